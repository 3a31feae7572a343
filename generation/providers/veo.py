"""Google Veo 3.1 through the `google-genai` SDK.

google-genai 3.x sends video generation in the Vertex shape (`…:predictLongRunning`,
`…:fetchPredictOperation`), with an API key and a configurable base URL. Veo reports
no percentage (the tasks show elapsed time against `typical_seconds`), can answer
`done` with no video and only RAI-filter reasons (→ blocked, with those reasons), and
deletes results after two days, so the download task copies them as soon as a job is done.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from google import genai
from google.genai import errors, types

from characters.stored_files import recorded_file
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

DEFAULT_MODEL = "veo-3.1-generate-preview"
_ASPECT = {(720, 1280): "9:16", (1280, 720): "16:9"}


@lru_cache(maxsize=64)
def _client_for(api_key: str, base_url: str, timeout: float) -> genai.Client:
    # One client per credential and process, kept open (a dropped Client closes its pool).
    options = types.HttpOptions(
        base_url=base_url or None,
        timeout=int(timeout * 1000),
        retry_options=types.HttpRetryOptions(attempts=1),  # our tasks retry, not the SDK
    )
    return genai.Client(vertexai=True, api_key=api_key, http_options=options)


class VeoProvider(Provider):
    name = "veo"
    label = "Google Veo 3.1"
    default_model = DEFAULT_MODEL
    # Up to 3 reference images (asset references), each bound to a name in the text.
    prompt_shape = PromptShape(
        max_references=3, makes_audio=True, negative_field=True, max_prompt_chars=4000
    )
    retention_seconds = 2 * 24 * 3600  # a finished operation's result is kept two days
    capabilities = Capabilities(
        durations=(4, 6, 8),
        sizes=((720, 1280), (1280, 720)),
        # One reference image per character at least: its reference-image limit.
        max_characters=3,
        reports_progress=False,
        typical_seconds=90,
    )

    @property
    def model(self) -> str:
        return (self.config and self.config.model) or DEFAULT_MODEL

    def _client(self) -> genai.Client:
        assert self.config is not None  # noqa: S101 (checked in __init__)
        base_url = usable_base_url(self.config.base_url)
        return _client_for(self.config.api_key, base_url, settings.COMICSTUDIO_PROVIDER_TIMEOUT)

    def _error(self, exc: Exception, *, creating: bool = False) -> ProviderError:
        key = self.config.api_key if self.config else ""
        if isinstance(exc, errors.APIError):
            message = str(exc.message or exc.status or "").replace(key, "[key]")
            return status_error(exc.code, message)
        return transport_error(exc, creating=creating)

    def _config(self, request: VideoRequest) -> types.GenerateVideosConfig:
        references = [
            types.VideoGenerationReferenceImage(
                image=types.Image(
                    image_bytes=recorded_file(path).read_bytes(),
                    mime_type=mimetypes.guess_type(path)[0] or "image/png",
                ),
                reference_type=types.VideoGenerationReferenceType.ASSET,
            )
            for path in request.reference_images[: self.prompt_shape.max_references]
        ]
        return types.GenerateVideosConfig(
            number_of_videos=1,
            aspect_ratio=_ASPECT.get((request.width, request.height), "9:16"),
            resolution="720p",
            duration_seconds=request.duration_seconds,
            negative_prompt=request.negative_prompt or None,
            generate_audio=request.audio,
            reference_images=references or None,
        )

    def submit(self, request: VideoRequest) -> str:
        config = self._config(request)
        try:
            client = self._client()
            operation = client.models.generate_videos(
                model=self.model,
                source=types.GenerateVideosSource(prompt=request.prompt),
                config=config,
            )
        except Exception as exc:  # noqa: BLE001 (httpx and SDK errors alike become ours)
            raise self._error(exc, creating=True) from None
        if not operation.name:
            raise ProviderError("The provider started no operation.", ambiguous=True)
        return operation.name

    def _operation(self, job_id: str) -> types.GenerateVideosOperation:
        try:
            client = self._client()
            return client.operations.get(
                types.GenerateVideosOperation.model_validate({"name": job_id})
            )
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from None

    def poll(self, job_id: str) -> JobStatus:
        operation = self._operation(job_id)
        if not operation.done:
            return JobStatus("running")
        if operation.error:
            message = str(operation.error.get("message") or "no reason given")
            return JobStatus("failed", error=f"The provider could not make the video: {message}")
        result = operation.result
        if result is None or not result.generated_videos:
            reasons = "; ".join((result and result.rai_media_filtered_reasons) or [])
            return JobStatus(
                "blocked",
                error=f"Refused by the provider: {reasons or 'filtered, no reason given'}",
            )
        return JobStatus("succeeded", progress=100)

    def download(self, job_id: str, *, video_path: Path, thumbnail_path: Path) -> None:
        operation = self._operation(job_id)
        videos = (operation.result and operation.result.generated_videos) or []
        video = videos[0].video if videos else None
        if video is None or not video.video_bytes:
            raise ProviderError("The provider's result has no video to copy.", permanent=True)
        video_path.write_bytes(video.video_bytes)  # no thumbnail: made from the video
