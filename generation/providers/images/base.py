"""The contract of an image provider: one call in, finished images out.

Image models answer in one request (no job to poll), so the contract is smaller than a
video provider's: `generate(request) -> images`. Errors are the video providers'
`ProviderError`, mapped from HTTP statuses by the same `status_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from generation.providers.base import ProviderConfig, ProviderError


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    count: int  # candidates wanted (2–4)
    size: tuple[int, int] = (1024, 1024)
    # PNG bytes of the chosen front view: the other angles are drawn from it, so they match.
    reference: bytes | None = None


@dataclass(frozen=True)
class MadeImage:
    content: bytes  # PNG/JPEG/WebP bytes as the provider sent them (checked on pick)


class ImageProvider:
    """One image provider, described once (name, label, default model, what it takes)."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    default_model: ClassVar[str] = ""
    max_count: ClassVar[int] = 4

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    @property
    def model(self) -> str:
        return self.config.model or self.default_model

    def generate(self, request: ImageRequest) -> list[MadeImage]:
        """`request.count` images for the prompt (from the reference, when there is one)."""
        raise NotImplementedError

    def scrub(self, text: str) -> str:
        """The text without the key (real APIs echo it in some errors)."""
        key = self.config.api_key
        return text.replace(key, "[key]") if key else text


def no_images() -> ProviderError:
    return ProviderError("The image provider answered without an image.", permanent=True)
