"""OpenAI-compatible Images API (`/v1/images/generations`, `/v1/images/edits`), `openai` SDK.

Aggregators serve the same shape for other image models, so `base_url` and the model are
configuration. With a front reference the other angles are made by `images.edit`
(multipart: the reference as `image`), so they keep its design. SDK retries are off: a
resent request would pay twice; the design task reports the error instead.
"""

from __future__ import annotations

import base64
import io

import openai
from django.conf import settings

from generation.providers.base import ProviderError, status_error, transport_error
from generation.providers.endpoints import usable_base_url
from generation.providers.images.base import ImageProvider, ImageRequest, MadeImage, no_images

BLOCKED_CODES = {"moderation_blocked", "content_policy_violation"}


class OpenAIImagesProvider(ImageProvider):
    name = "openai_images"
    label = "OpenAI-compatible Images API"
    default_model = "gpt-image-1"

    def _client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=self.config.api_key,
            base_url=usable_base_url(self.config.base_url) or None,
            max_retries=0,
            timeout=settings.COMICSTUDIO_PROVIDER_TIMEOUT,
        )

    def _error(self, exc: openai.OpenAIError) -> ProviderError:
        if isinstance(exc, openai.APIConnectionError):
            return transport_error(exc, creating=False)
        if not isinstance(exc, openai.APIStatusError):
            return ProviderError(self.scrub(str(exc)), permanent=True)
        body = exc.body if isinstance(exc.body, dict) else {}
        code = str(body.get("code") or "")
        message = self.scrub(str(body.get("message") or exc.message))
        if code in BLOCKED_CODES:
            return ProviderError(
                f"Refused by the provider: {message}", permanent=True, blocked=True
            )
        return status_error(exc.status_code, message, code=code)

    def generate(self, request: ImageRequest) -> list[MadeImage]:
        size = f"{request.size[0]}x{request.size[1]}"
        try:
            client = self._client()
            if request.reference is None:
                answer = client.images.generate(
                    model=self.model, prompt=request.prompt, n=request.count, size=size
                )
            else:
                front = ("front.png", io.BytesIO(request.reference), "image/png")
                answer = client.images.edit(
                    model=self.model, image=front, prompt=request.prompt, n=request.count, size=size
                )
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        images = [MadeImage(base64.b64decode(d.b64_json)) for d in answer.data or [] if d.b64_json]
        if not images:
            raise no_images()
        return images
