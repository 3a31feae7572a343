"""Google's image models (Gemini image output) through the `google-genai` SDK.

One `generate_content` call per candidate (the models answer one image per call), with
`response_modalities=["IMAGE"]`; the front reference goes in as an inline image part so
the side, back and turnaround views keep its design. An answer without an image part and
with a block reason is a refusal, shown with the reason.
"""

from __future__ import annotations

from django.conf import settings
from google import genai
from google.genai import errors, types

from generation.providers.base import ProviderError, status_error, transport_error
from generation.providers.endpoints import usable_base_url
from generation.providers.images.base import ImageProvider, ImageRequest, MadeImage, no_images


class GoogleImagesProvider(ImageProvider):
    name = "google_images"
    label = "Google image models (Gemini)"
    default_model = "gemini-2.5-flash-image"

    def _client(self) -> genai.Client:
        options = types.HttpOptions(
            base_url=usable_base_url(self.config.base_url) or None,
            timeout=int(settings.COMICSTUDIO_PROVIDER_TIMEOUT * 1000),
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        return genai.Client(api_key=self.config.api_key, http_options=options)

    def _error(self, exc: Exception) -> ProviderError:
        if isinstance(exc, errors.APIError):
            return status_error(exc.code, self.scrub(str(exc.message or exc.status or "")))
        return transport_error(exc, creating=False)

    def _one(self, client: genai.Client, request: ImageRequest) -> MadeImage:
        contents: list[types.PartUnionDict] = [request.prompt]
        if request.reference is not None:
            contents.append(types.Part.from_bytes(data=request.reference, mime_type="image/png"))
        config = types.GenerateContentConfig(response_modalities=["IMAGE"])
        try:
            answer = client.models.generate_content(
                model=self.model, contents=contents, config=config
            )
        except Exception as exc:  # noqa: BLE001 (httpx and SDK errors alike become ours)
            raise self._error(exc) from None
        for candidate in answer.candidates or []:
            for part in (candidate.content and candidate.content.parts) or []:
                if part.inline_data and part.inline_data.data:
                    return MadeImage(part.inline_data.data)
        feedback = answer.prompt_feedback
        if feedback and feedback.block_reason:
            reason = feedback.block_reason_message or str(feedback.block_reason)
            raise ProviderError(f"Refused by the provider: {reason}", permanent=True, blocked=True)
        raise no_images()

    def generate(self, request: ImageRequest) -> list[MadeImage]:
        client = self._client()
        return [self._one(client, request) for _ in range(request.count)]
