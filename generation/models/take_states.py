"""A take's states and their transitions (the machine half of `Take`; the fields are there).

Each transition is a conditional UPDATE, so a duplicate or late task is a no-op. A change
schedules, on commit, what others must see: the card, and the slot freed (or the job
watched until the provider ends it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from celery import current_app
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils import timezone

from generation.money.pricing import take_cost
from generation.takes import slots
from projects.live import publish_scene_changed

if TYPE_CHECKING:
    from generation.models.takes import Take
    from projects.models import Scene

# The engine's tasks, by name (they import this module): woken and watching takes.
SUBMIT_TASK = "generation.submit_take"
POLL_TASK = "generation.poll_take"
# The continuity check of a take that succeeded (generation/continuity/tasks.py).
CONTINUITY_TASK = "generation.continuity.check_take"


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SUBMITTED = "submitted", "Submitted"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked by the provider"
    STALLED = "stalled", "Stalled"
    CANCELLED = "cancelled", "Cancelled"
    # The submit's outcome is unknown and could not be reconciled: a person decides.
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


ACTIVE_STATUSES = (GenerationStatus.QUEUED, GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)
IN_FLIGHT_STATUSES = (GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)
# What a person may cancel: anything not finished.
CANCELLABLE_STATUSES = (*ACTIVE_STATUSES, GenerationStatus.NEEDS_ATTENTION)
# Failed for provider availability (not moderation): may go to the project's fallback.
UNAVAILABLE_STATUSES = (GenerationStatus.FAILED, GenerationStatus.STALLED)
# Given up by us, not by the provider: a job of theirs may still run, and is watched.
WATCHED_STATUSES = (GenerationStatus.STALLED, GenerationStatus.CANCELLED)


class TakeStates(models.Model):
    """The transitions of a take's `generation_status`, mixed into `Take` (no table of its own)."""

    if TYPE_CHECKING:  # Take's fields that the transitions read and write
        scene: Scene
        credential_id: int | None
        prompt: str
        generation_status: str
        progress: int
        provider_job_id: str
        not_before: datetime | None
        unreachable_since: datetime | None
        job_ended_at: datetime | None
        cost: Decimal
        created_at: datetime
        submitted_at: datetime | None
        progress_updated_at: datetime | None
        poll_seq: int

    class Meta:
        abstract = True

    @property
    def job_running(self) -> bool:
        """The provider's job may still run (it was made and has not ended)."""
        return bool(self.provider_job_id) and self.job_ended_at is None

    def _rows(self) -> models.QuerySet[Any]:
        return type(self)._default_manager.all()

    def _estimate(self) -> Decimal:
        """The price table's figure for the take (what it costs when the provider does not say)."""
        return take_cost(cast("Take", self))

    def _transition(
        self,
        allowed: tuple[str, ...],
        *,
        when: Q | None = None,
        publish: bool = True,
        **fields: Any,
    ) -> bool:
        takes = self._rows().filter(pk=self.pk, generation_status__in=allowed)
        updated = (takes.filter(when) if when is not None else takes).update(**fields)
        self.refresh_from_db()
        if updated == 1 and publish:
            self._publish()
        return updated == 1

    def _publish(self) -> None:
        scene = self.scene
        publish_scene_changed(
            project_id=scene.episode.project_id, episode_id=scene.episode_id, scene_id=scene.pk
        )

    def _release_slot(self, *, wake: bool = True) -> None:
        """After commit, free the take's slot and start the take that waited for it."""
        if not self.credential_id:
            return
        credential_id, take_id = self.credential_id, self.pk

        def release() -> None:
            woken = slots.release(credential_id, take_id, wake=wake)
            if woken is not None:
                current_app.send_task(SUBMIT_TASK, args=(woken,))

        transaction.on_commit(release)

    def _watch(self) -> None:
        """After commit, poll the job we gave up on (slowly) until the provider ends it."""
        take_id = self.pk
        countdown = settings.COMICSTUDIO_WATCH_POLL_SECONDS
        transaction.on_commit(
            lambda: current_app.send_task(POLL_TASK, args=(take_id, None), countdown=countdown)
        )

    def claim_step(self, seq: int | None) -> int | None:
        """Claim step number `seq` of the take's task chain (the next when None).

        A take is driven by one chain of tasks (submit, poll, download), numbered: a
        duplicate (a redelivery, a sweep, a webhook, a wake-up) claims the same number as
        the chain's next step and only one wins, so a take never has two chains.
        """
        seq = self.poll_seq + 1 if seq is None else seq
        updated = (
            self._rows()
            .filter(pk=self.pk, poll_seq=seq - 1)
            .update(poll_seq=seq, polled_at=timezone.now())
        )
        self.refresh_from_db()
        return seq if updated == 1 else None

    def wait_until(self, seconds: float) -> None:
        """Nothing sends the take for `seconds` (the sweep too leaves it alone until then)."""
        self._rows().filter(pk=self.pk).update(
            not_before=timezone.now() + timedelta(seconds=seconds)
        )
        self.refresh_from_db()

    def may_send_in(self) -> float:
        """Seconds until the take may be sent (0 when it may now)."""
        if self.not_before is None:
            return 0.0
        return max(0.0, (self.not_before - timezone.now()).total_seconds())

    def claim_for_submission(self) -> bool:
        """Queued → submitted once `not_before` has passed; False if another task got there
        first (or a backoff started meanwhile)."""
        now = timezone.now()
        return self._transition(
            (GenerationStatus.QUEUED,),
            when=Q(not_before__isnull=True) | Q(not_before__lte=now),
            generation_status=GenerationStatus.SUBMITTED,
            submitted_at=now,
            progress_updated_at=now,
            not_before=None,
        )

    def record_job_id(self, job_id: str) -> bool:
        """Store the provider's job id the moment it is known."""
        updated = (
            self._rows()
            .filter(pk=self.pk, provider_job_id="")
            .update(provider_job_id=job_id, status_note="")
        )
        self.refresh_from_db()
        return updated == 1

    def requeue(
        self, note: str, *, delay: float = 0, count_retry: bool = True, wake: bool = True
    ) -> bool:
        """Submitted (no job was made) → queued again for `delay` s, saying why.

        Its slot is freed; `wake=False` (a 429) does not hand it to the next take.
        """
        moved = self._transition(
            (GenerationStatus.SUBMITTED,),
            generation_status=GenerationStatus.QUEUED,
            provider_job_id="",
            status_note=note,
            retries=models.F("retries") + int(count_retry),
            not_before=timezone.now() + timedelta(seconds=delay),
        )
        if moved:
            self._release_slot(wake=wake)
        return moved

    def note(self, text: str, *, count_retry: bool = False) -> bool:
        """Say what is happening now (shown on the card) without changing the state."""
        return self._transition(
            CANCELLABLE_STATUSES,
            status_note=text,
            retries=models.F("retries") + int(count_retry),
        )

    def provider_silent(self, error: str, *, delay: float) -> bool:
        """A poll or download got no answer: say since when, ask again in `delay` s."""
        since = self.unreachable_since or timezone.now()
        return self._transition(
            (*IN_FLIGHT_STATUSES, *WATCHED_STATUSES),
            unreachable_since=since,
            unanswered=models.F("unanswered") + 1,
            status_note=(
                f"Provider not answering since {since:%H:%M:%S} UTC ({error}). "
                f"Asking again in {delay:.0f} s."
            )[:300],
            not_before=timezone.now() + timedelta(seconds=delay),
        )

    def provider_answered(self) -> None:
        """A poll was answered: the provider is not silent (any more)."""
        if self.unreachable_since is not None:
            self._rows().filter(pk=self.pk).update(unreachable_since=None, unanswered=0)
            self.refresh_from_db()

    def past_retention(self, retention_seconds: int) -> bool:
        """Longer than the provider keeps a result since the job ended (or since it last
        answered, when we do not know that it ended): nothing is left to save."""
        since = self.job_ended_at or self.unreachable_since
        return since is not None and timezone.now() - since > timedelta(seconds=retention_seconds)

    def record_progress(self, progress: int) -> bool:
        """Running, with progress; True when something a viewer would see changed."""
        answered = self.unreachable_since is not None
        if (
            progress == self.progress
            and self.generation_status == GenerationStatus.RUNNING
            and not answered
        ):
            return False
        return self._transition(
            IN_FLIGHT_STATUSES,
            generation_status=GenerationStatus.RUNNING,
            progress=max(progress, self.progress),
            progress_updated_at=timezone.now(),
            unreachable_since=None,
            unanswered=0,
        )

    def is_stalled(self, limit_seconds: int | None = None) -> bool:
        """No progress for longer than the limit (COMICSTUDIO_STALL_SECONDS by default)."""
        since = self.progress_updated_at or self.submitted_at or self.created_at
        limit = timedelta(seconds=limit_seconds or settings.COMICSTUDIO_STALL_SECONDS)
        return timezone.now() - since > limit

    def elapsed_seconds(self) -> float:
        """Seconds since the take was submitted (0 before)."""
        return (timezone.now() - self.submitted_at).total_seconds() if self.submitted_at else 0.0

    def record_job_done(self, *, cost: Decimal | None, late: bool = False) -> bool:
        """The provider finished the job: it is paid (its bill, else the price table's
        figure for the video it made) and its slot is free while we copy the video.

        `late`: the job of a take we had marked stalled made its video after all. It was
        paid, so it is copied like any other: the take runs again until it is in storage.
        """
        moved = self._transition(
            (GenerationStatus.STALLED,) if late else IN_FLIGHT_STATUSES,
            when=Q(job_ended_at__isnull=True) if late else None,
            generation_status=GenerationStatus.RUNNING,
            progress=100,
            job_ended_at=timezone.now(),
            cost=self._estimate() if cost is None else cost,
            cost_estimated=False,
            status_note=(
                "Finished after it was marked stalled: copying the video"
                if late
                else "Copying the finished video"
            ),
            unreachable_since=None,
            unanswered=0,
            not_before=None,
        )
        if moved:
            self._release_slot()
        return moved

    def append_corrections(self, corrections: str) -> None:
        """Add corrections to a queued take's prompt before it is sent (a continuity retake)."""
        self.prompt = f"{self.prompt}\nCorrections: {' '.join(corrections.split())}"
        self._rows().filter(pk=self.pk, generation_status=GenerationStatus.QUEUED).update(
            prompt=self.prompt
        )

    def mark_succeeded(self, *, video_name: str, thumbnail_name: str) -> bool:
        """The result is in our storage: the take is done."""
        return self._transition(
            IN_FLIGHT_STATUSES,
            generation_status=GenerationStatus.SUCCEEDED,
            progress=100,
            video=video_name,
            thumbnail=thumbnail_name,
            error="",
            status_note="",
            finished_at=timezone.now(),
            unreachable_since=None,
        )

    def mark_failed(
        self,
        error: str,
        *,
        status: str = GenerationStatus.FAILED,
        job_running: bool = False,
        paid: bool = False,
    ) -> bool:
        """Failed, blocked, stalled or needing attention, with the message a person reads.

        `job_running`: we give up while the provider's job still runs (a stall): it keeps
        its slot and is watched until it ends. Otherwise the job (if any) is over. A job
        that ran (`job_running` or `paid`) is paid: the price table's figure, marked
        estimated, stands until the provider says what it billed.
        """
        now = timezone.now()
        watch = job_running and self.job_running
        fields: dict[str, Any] = {"generation_status": status, "error": error}
        if (watch or paid) and self.provider_job_id and self.cost == 0:
            fields |= {"cost": self._estimate(), "cost_estimated": True}
        if not watch and self.job_ended_at is None:
            fields["job_ended_at"] = now
        moved = self._transition(ACTIVE_STATUSES, status_note="", finished_at=now, **fields)
        if moved:
            self._after_giving_up()
        return moved

    def explain(self, text: str) -> None:
        """Add a sentence to a finished take's error (why nothing more happened)."""
        self._rows().filter(pk=self.pk).update(error=Concat(
            models.F("error"), models.Value(" " + text)
        ))  # fmt: skip
        self.refresh_from_db(fields=["error"])

    def mark_cancelled(self, reason: str) -> bool:
        """Cancelled by a person, at any stage before it finished.

        A job that runs at the provider is paid and keeps its slot until it ends. A take
        being sent (claimed, no job id yet) keeps its slot too: if the job is made, its
        chain watches it; if not, the slot's lease runs out.
        """
        fields: dict[str, Any] = {}
        if self.job_running and self.cost == 0:
            fields = {"cost": self._estimate(), "cost_estimated": True}
        sending = self.generation_status == GenerationStatus.SUBMITTED and not self.provider_job_id
        moved = self._transition(
            CANCELLABLE_STATUSES,
            generation_status=GenerationStatus.CANCELLED,
            error=reason,
            status_note="",
            finished_at=timezone.now(),
            **fields,
        )
        if moved and not sending:
            self._after_giving_up()
        return moved

    def _after_giving_up(self) -> None:
        if self.generation_status in WATCHED_STATUSES and self.job_running:
            self._watch()
        else:
            self._release_slot()

    def record_watched_end(self, *, cost: Decimal | None, paid: bool) -> bool:
        """A job we had given up on ended at the provider (or its retention passed).

        `paid`: it made a video, so what the provider bills (else the estimate) stands;
        a job that failed at the provider costs nothing.
        """
        fields: dict[str, Any] = {"cost": Decimal("0"), "cost_estimated": False}
        if paid and cost is not None:
            fields = {"cost": cost, "cost_estimated": False}
        elif paid:  # the estimate made when we gave up, or now (cancelled while sending)
            fields = {"cost": self.cost or self._estimate(), "cost_estimated": True}
        moved = self._transition(
            WATCHED_STATUSES,
            job_ended_at=timezone.now(),
            unreachable_since=None,
            **fields,
        )
        if moved:
            self._release_slot()
        return moved
