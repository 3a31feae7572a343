"""A project's own subtitle font: checked by content, kept by content hash, used by burn-in.

A file is accepted when FreeType (through Pillow's ImageFont) opens it as a scalable font
and it draws a visible "A" or, for CJK fonts, "字": a renamed image or a broken file is
refused with a message, never stored.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import ImageFont

from characters.stored_files import local_path
from generation.export.models import SubtitleFont
from projects.models import Project

MAX_FONT_BYTES = 20 * 1024 * 1024  # a full CJK font is 5–20 MB
SIGNATURES = {
    b"\x00\x01\x00\x00": ".ttf",  # TrueType outlines
    b"true": ".ttf",  # old Apple TrueType
    b"OTTO": ".otf",  # OpenType with CFF outlines
    b"ttcf": ".ttc",  # a collection: its first font is used
}
PROBES = ("A", "字")


class FontRefused(Exception):
    """The upload is not a font this export can draw with; the message says why."""


@dataclass(frozen=True)
class CheckedFont:
    data: bytes
    family: str
    style: str
    suffix: str
    sha256: str


def check_font(upload: UploadedFile) -> CheckedFont:
    """Read and check an uploaded font; FontRefused with a message for the page otherwise."""
    if upload.size is not None and upload.size > MAX_FONT_BYTES:
        raise FontRefused(f"This font is {upload.size / 1_048_576:.1f} MB: fonts may be up to "
                          f"{MAX_FONT_BYTES // 1_048_576} MB.")  # fmt: skip
    data = upload.read(MAX_FONT_BYTES + 1)
    if len(data) > MAX_FONT_BYTES:
        raise FontRefused(f"Fonts may be up to {MAX_FONT_BYTES // 1_048_576} MB.")
    suffix = SIGNATURES.get(data[:4])
    if suffix is None:
        raise FontRefused("This file is not a TrueType or OpenType font (.ttf, .otf, .ttc).")
    try:
        face = ImageFont.truetype(io.BytesIO(data), size=48)
        family, style = face.getname()
        drawn = [face.getmask(text).getbbox() for text in PROBES]
    except (OSError, ValueError) as exc:
        raise FontRefused(f"This font file is damaged and cannot be drawn with ({exc}).") from exc
    if not any(drawn):
        raise FontRefused("This font draws nothing for ordinary letters: choose another font.")
    return CheckedFont(data=data, family=(family or "Unnamed font")[:200],
                       style=(style or "")[:100], suffix=suffix,
                       sha256=hashlib.sha256(data).hexdigest())  # fmt: skip


def set_project_font(*, project: Project, checked: CheckedFont, by: object) -> SubtitleFont:
    """The project's subtitle font from now on (the previous file stays for older exports)."""
    with transaction.atomic():
        font, _ = SubtitleFont.objects.select_for_update().get_or_create(
            project=project,
            defaults={
                "family": checked.family,
                "sha256": checked.sha256,
                "suffix": checked.suffix,
                "size": len(checked.data),
            },  # fmt: skip
        )
        font.family, font.style = checked.family, checked.style
        font.sha256, font.suffix, font.size = checked.sha256, checked.suffix, len(checked.data)
        font.uploaded_by = by  # type: ignore[assignment]
        font.file.save("font" + checked.suffix, ContentFile(checked.data), save=False)
        font.save()
    return font


def remove_project_font(project: Project) -> bool:
    """Back to the shipped font; files stay (exports made with them name them)."""
    return SubtitleFont.objects.filter(project=project).delete()[0] > 0


def font_option(project: Project) -> dict[str, str]:
    """What an export records of the project's font (empty: the shipped one)."""
    font = SubtitleFont.objects.filter(project=project).first()
    if font is None:
        return {}
    return {"file": font.file.name or "", "family": font.family, "sha256": font.sha256}


def font_file(option: dict[str, str] | None) -> Path | None:
    """The font file an export was asked with (an upload: a local copy of the stored file),
    if it is still there."""
    if not option or not option.get("file"):
        return None
    if not default_storage.exists(option["file"]):
        return None
    return local_path(option["file"])
