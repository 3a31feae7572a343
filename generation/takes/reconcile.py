"""Reconciling a submit whose outcome is unknown (a timeout after sending): money is never
spent twice.

The job the submit may have made is looked for in the provider's job list; the take is
sent again only when it surely was not made, and left to a person when the provider
cannot be asked. The submit step (`tasks.py`) schedules what `reconcile` answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from generation.models import GenerationStatus, Take
from generation.providers import Provider, ProviderError
from generation.takes import engine
from generation.takes.chain import sent_request

NEEDS_ATTENTION_MESSAGE = (
    "The provider may or may not have started this take (the connection failed after "
    "sending) and it cannot be looked up. Check the provider's dashboard, then resubmit "
    "or cancel: resubmitting may be charged twice."
)


@dataclass(frozen=True)
class Reconciled:
    """What the chain does next: poll the job found, or send again in `resend_in` s."""

    found: bool = False
    resend_in: float | None = None  # None (and not found): nothing more to do


def reconcile(take: Take, provider: Provider) -> Reconciled:
    """Find the job an ambiguous submit may have made; resubmit only if it surely was not."""
    sent_at = take.submitted_at or take.created_at
    known = set(
        Take.objects.filter(provider=take.provider, prompt=take.prompt)
        .exclude(provider_job_id="")
        .values_list("provider_job_id", flat=True)
    )
    try:
        job_id = provider.find_job(sent_request(take), since=sent_at.timestamp(), exclude=known)
    except ProviderError as exc:
        return _not_listed(take, exc)
    if job_id:
        take.record_job_id(job_id)
        return Reconciled(found=True)
    # A create may still be on its way (another execution of this step, up to the SDK's
    # time limit) or not listed yet: only after both may "not found" mean "never sent".
    grace = timedelta(
        seconds=settings.COMICSTUDIO_PROVIDER_TIMEOUT + settings.COMICSTUDIO_RECONCILE_GRACE_SECONDS
    )
    if timezone.now() - sent_at < grace:
        return Reconciled(resend_in=grace.total_seconds())
    if take.requeue(
        "The provider never received the request: sending it again.", count_retry=False
    ):
        return Reconciled(resend_in=0)
    return Reconciled()


def _not_listed(take: Take, exc: ProviderError) -> Reconciled:
    """The provider's job list could not be read: look again later, or ask a person."""
    if exc.permanent or take.retries >= settings.COMICSTUDIO_MAX_RETRIES:
        engine.finish(take, NEEDS_ATTENTION_MESSAGE, status=GenerationStatus.NEEDS_ATTENTION)
        return Reconciled()
    delay = engine.backoff(take.retries + 1, exc.retry_after)
    take.note(f"Looking for the job the provider may have made: {exc}", count_retry=True)
    take.wait_until(delay)
    return Reconciled(resend_in=delay)
