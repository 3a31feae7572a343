"""Image providers by name: what designs a character's reference sheets (docs/characters.md)."""

from generation.providers.images.base import (
    ImageProvider,
    ImageRequest,
    MadeImage,
)
from generation.providers.images.google_images import GoogleImagesProvider
from generation.providers.images.openai_images import OpenAIImagesProvider

IMAGE_PROVIDERS: dict[str, type[ImageProvider]] = {
    OpenAIImagesProvider.name: OpenAIImagesProvider,
    GoogleImagesProvider.name: GoogleImagesProvider,
}
IMAGE_PROVIDER_CHOICES = [(p.name, p.label) for p in IMAGE_PROVIDERS.values()]

__all__ = [
    "IMAGE_PROVIDERS",
    "IMAGE_PROVIDER_CHOICES",
    "ImageProvider",
    "ImageRequest",
    "MadeImage",
]
