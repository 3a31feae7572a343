"""What every step of a take's task chain (submit, poll, download) shares.

Load the take, the request it sends, scheduling the chain's next step, and what a step
does when the provider does not answer or nothing more can be asked about the job. The
tasks themselves are in `tasks.py` (submit, poll, sweep) and `download.py`.
"""

from __future__ import annotations

from celery.app.task import Task as CeleryTask
from django.conf import settings

from generation.models import WATCHED_STATUSES, Take
from generation.prompts import build_request, compile_scene
from generation.providers import Provider, ProviderError
from generation.providers.base import VideoRequest
from generation.takes import engine, slots


def load(take_id: int) -> Take | None:
    """The take with what every step reads (its scene's project, its credential)."""
    return (
        Take.objects.select_related("scene__episode__project", "credential")
        .filter(pk=take_id)
        .first()
    )


def sent_request(take: Take) -> VideoRequest:
    """The request the take sends to its provider."""
    if take.request:  # stored by the door when the take was made: sent as it is
        return take.video_request()
    # A take made before requests were stored: compiled as it was then.
    compiled = compile_scene(take.scene, provider=take.provider, credential=take.credential)
    return build_request(
        take.scene,
        prompt=take.prompt,
        width=take.width,
        height=take.height,
        duration=take.duration_seconds,
        compiled=compiled,
    )


def schedule_next(task: CeleryTask, take: Take, seq: int, delay: float = 0) -> None:
    """Schedule the chain's next step (`seq + 1`)."""
    if delay >= settings.COMICSTUDIO_SWEEP_SECONDS and take.may_send_in() < delay:
        take.wait_until(delay)  # a long planned wait: the sweep must not call it quiet
    task.apply_async((take.pk, seq + 1), countdown=delay)


def give_up(take: Take, exc: ProviderError) -> None:
    """Nothing more can be asked about the job (gone, or past the provider's retention)."""
    if take.generation_status in WATCHED_STATUSES:
        take.record_watched_end(cost=None, paid=True)
    else:
        engine.finish(take, str(exc), paid=True)


def retry_unanswered(
    take: Take, provider: Provider, exc: ProviderError, step: int, task: CeleryTask
) -> None:
    """A poll or download failed: ask again with backoff until the provider's retention ends.

    A job alive or done at the provider is never given up before then: the card says
    since when the provider is not answering, and a person may cancel.
    """
    if exc.permanent:
        give_up(take, exc)
        return
    if take.credential_id:
        slots.count_retry(take.credential_id, exc.kind)
    if take.past_retention(provider.retention_seconds):
        hours = provider.retention_seconds / 3600
        give_up(
            take,
            ProviderError(
                f"The provider did not answer for longer than it keeps a video ({hours:g} h): {exc}"
            ),
        )
        return
    delay = engine.backoff(take.unanswered + 1, exc.retry_after)
    take.provider_silent(str(exc), delay=delay)
    schedule_next(task, take, step, delay)
