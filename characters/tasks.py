"""Background work on reference media: thumbnails, made off the request."""

from __future__ import annotations

import io

from celery import shared_task
from django.core.files.base import ContentFile
from PIL import Image

from characters.models import ReferenceImage

THUMBNAIL_SIDE = 360


@shared_task(ignore_result=True)
def make_reference_thumbnail(reference_id: int) -> None:
    """Make the JPEG thumbnail of a reference image once; a second delivery changes nothing."""
    reference = ReferenceImage.objects.filter(pk=reference_id, thumbnail="").first()
    if reference is None:
        return
    with reference.image.open("rb") as stored, Image.open(stored) as image:
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=85)
    storage = reference.thumbnail.storage
    name = storage.save(
        f"characters/{reference.character_id}/thumbnails/{reference.pk}.jpg",
        ContentFile(buffer.getvalue()),
    )
    # Claim with a conditional update: a concurrent run's file is dropped, not both kept.
    claimed = ReferenceImage.objects.filter(pk=reference_id, thumbnail="").update(thumbnail=name)
    if claimed != 1:
        storage.delete(name)
