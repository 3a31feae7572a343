"""OpenAI-compatible Videos API (`/v1/videos`) through the `openai` SDK.

`base_url` and the model are configuration: OpenAI shut its own Sora API down on
2026-09-24, aggregator platforms serve the same shape. SDK retries are off
(`max_retries=0`): the SDK would resend a timed-out POST and could start a second paid
job; our tasks retry instead, reconciling an ambiguous create by listing recent jobs.
"""

from __future__ import annotations

import json
import logging
import warnings
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import openai
from django.conf import settings

from generation.providers.base import (
    Capabilities,
    JobStatus,
    PromptShape,
    Provider,
    ProviderError,
    VideoRequest,
    status_error,
    transport_error,
)
from generation.providers.endpoints import usable_base_url

log = logging.getLogger(__name__)
# Error codes the API uses for moderation and policy refusals: final, never retried.
BLOCKED_CODES = {"moderation_blocked", "content_policy_violation", "policy_violation"}
_STATES = {"queued": "queued", "in_progress": "running", "completed": "succeeded"}


def _ignore_sora_deprecation() -> None:
    # The SDK marks every videos.* method deprecated; the warning is attributed to the
    # caller (this module, or the SDK's raw-response wrapper we call through), so this
    # filter silences exactly that message for those callers, not warnings globally.
    warnings.filterwarnings(
        "ignore",
        message="The Sora API is scheduled",
        category=DeprecationWarning,
        module=r"(generation\.providers\.openai_videos|openai\._legacy_response)$",
    )


def _retry_after(response: object) -> float | None:
    headers = getattr(response, "headers", {}) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return float(headers[name]) * scale
        except (KeyError, TypeError, ValueError):
            continue
    return None


@lru_cache(maxsize=64)
def _client_for(api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    # One client (and connection pool) per credential and process: building one per call
    # costs more than the call. The SDK's clients are thread-safe.
    return openai.OpenAI(api_key=api_key, base_url=base_url or None, max_retries=0, timeout=timeout)


class OpenAIVideosProvider(Provider):
    name = "openai"
    label = "OpenAI-compatible Videos API"
    default_model = "sora-2"
    can_remix = True
    takes_input_image = True  # `input_reference`, an image of the video's size
    registers_characters = True
    sends_webhooks = True
    # Characters by registered id, named verbatim; human likeness is refused.
    prompt_shape = PromptShape(
        takes_characters=True, makes_audio=True, rejects_faces=True, max_prompt_chars=4000
    )
    retention_seconds = 3600  # a finished video can be downloaded for about an hour
    capabilities = Capabilities(
        durations=(4, 8, 12),
        sizes=((720, 1280), (1280, 720), (1024, 1792), (1792, 1024)),
        max_characters=2,
        typical_seconds=120,
    )

    @property
    def model(self) -> str:
        return (self.config and self.config.model) or self.default_model

    def _client(self) -> openai.OpenAI:
        assert self.config is not None  # noqa: S101 (checked in __init__)
        _ignore_sora_deprecation()
        base_url = usable_base_url(self.config.base_url)
        return _client_for(self.config.api_key, base_url, settings.COMICSTUDIO_PROVIDER_TIMEOUT)

    def _scrub(self, text: str) -> str:
        key = self.config.api_key if self.config else ""
        return text.replace(key, "[key]") if key else text

    def _error(self, exc: openai.OpenAIError, *, creating: bool = False) -> ProviderError:
        """Our ProviderError for an SDK error; never carries the key."""
        if isinstance(exc, openai.APIConnectionError):  # includes timeouts
            return transport_error(exc, creating=creating)
        if not isinstance(exc, openai.APIStatusError):
            return ProviderError(self._scrub(str(exc)), permanent=True)
        body = exc.body if isinstance(exc.body, dict) else {}
        code = str(body.get("code") or "")
        message = self._scrub(str(body.get("message") or exc.message))
        if code in BLOCKED_CODES:
            return ProviderError(
                f"Refused by the provider: {message}", permanent=True, blocked=True
            )
        return status_error(
            exc.status_code, message, code=code, retry_after=_retry_after(exc.response)
        )

    def submit(self, request: VideoRequest) -> str:
        extra = {"characters": list(request.character_ids)} if request.character_ids else None
        try:
            client = self._client()
            video = client.videos.create(
                model=self.model,
                prompt=request.prompt,
                seconds=str(request.duration_seconds),  # type: ignore[arg-type]
                size=f"{request.width}x{request.height}",  # type: ignore[arg-type]
                extra_body=extra,
            )
        except openai.OpenAIError as exc:
            raise self._error(exc, creating=True) from None
        return video.id

    def submit_from_image(self, request: VideoRequest, image: bytes) -> str:
        """Start a job from an input image (multipart `input_reference`)."""
        try:
            client = self._client()
            video = client.videos.create(
                model=self.model,
                prompt=request.prompt,
                seconds=str(request.duration_seconds),  # type: ignore[arg-type]
                size=f"{request.width}x{request.height}",  # type: ignore[arg-type]
                input_reference=("front.png", image, "image/png"),
            )
        except openai.OpenAIError as exc:
            raise self._error(exc, creating=True) from None
        return video.id

    def remix(self, job_id: str, prompt: str) -> str:
        """Start a provider-side remix of a finished video; returns the new job id."""
        try:
            client = self._client()
            return client.videos.remix(job_id, prompt=prompt).id
        except openai.OpenAIError as exc:
            raise self._error(exc, creating=True) from None

    def register_character(self, *, name: str, clip: Path) -> str:
        """Upload a character's 2–4 s clip; returns the id to pass in `characters`."""
        try:
            client = self._client()
            with clip.open("rb") as f:
                answer = client.videos.create_character(name=name, video=f)
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        if not answer.id:
            raise ProviderError("The provider registered the character without an id.")
        return answer.id

    def poll(self, job_id: str) -> JobStatus:
        try:
            client = self._client()
            raw = client.videos.with_raw_response.retrieve(job_id)
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        video = raw.parse()
        hint = raw.headers.get("openai-poll-after-ms")
        poll_after = float(hint) / 1000 if hint and hint.isdigit() else None
        reported = (video.model_extra or {}).get("cost")
        cost = Decimal(str(reported)) if reported is not None else None
        if video.status == "failed":
            code = video.error.code if video.error else ""
            message = self._scrub(video.error.message if video.error else "no reason given")
            if code in BLOCKED_CODES:
                return JobStatus("blocked", error=f"Refused by the provider: {message}")
            return JobStatus("failed", error=f"The provider could not make the video: {message}")
        return JobStatus(
            _STATES[video.status], progress=video.progress or 0, poll_after=poll_after, cost=cost
        )

    def download(self, job_id: str, *, video_path: Path, thumbnail_path: Path) -> None:
        try:
            client = self._client()
            videos = client.videos
            videos.download_content(job_id, variant="video").write_to_file(video_path)
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        try:
            videos.download_content(job_id, variant="thumbnail").write_to_file(thumbnail_path)
        except openai.OpenAIError as exc:  # the video is what was paid for: make one from it
            log.info("job %s: no thumbnail from the provider (%s)", job_id, self._error(exc))
            thumbnail_path.unlink(missing_ok=True)

    def find_job(self, request: VideoRequest, *, since: float, exclude: set[str]) -> str | None:
        try:
            client = self._client()
            page = client.videos.list(order="desc", limit=100)
        except openai.NotFoundError:
            raise ProviderError(f"{self.label} cannot list its jobs.", permanent=True) from None
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        for video in page.data:
            # Jobs are matched by the exact prompt and a creation time after our attempt
            # (with a little clock skew), never twice.
            if video.prompt == request.prompt and video.created_at >= since - 5:
                if video.id not in exclude:
                    return video.id
        return None


def unwrap_webhook(payload: bytes, headers: dict[str, str], *, secret: str) -> tuple[str, str]:
    """Verify a standard-webhooks signature (as `webhooks.unwrap` does); (event type, video id).

    The SDK's event union has no video events, so the verified JSON is read here.
    Raises ProviderError for a bad signature or an event that is not about a video.
    """
    with openai.OpenAI(api_key="unused-for-verification") as client:  # noqa: S106
        try:
            client.webhooks.verify_signature(payload, headers, secret=secret)
        except (openai.InvalidWebhookSignatureError, ValueError):
            raise ProviderError("The webhook signature does not match.", permanent=True) from None
    try:
        event = json.loads(payload)
        kind, video_id = str(event["type"]), str(event["data"]["id"])
    except (ValueError, KeyError, TypeError):
        raise ProviderError("The webhook is not a video event.", permanent=True) from None
    if kind not in ("video.completed", "video.failed"):
        raise ProviderError(f"Ignored webhook event {kind!r}.", permanent=True)
    return kind, video_id
