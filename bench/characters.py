"""Benchmark reference checks and the visibility query: python bench/characters.py.

Uses a throwaway SQLite database and media folder under a temporary directory.
"""

from __future__ import annotations

import io
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="bench-characters-")
os.environ.setdefault("COMICSTUDIO_VAR_DIR", WORK)
os.environ.setdefault("COMICSTUDIO_MEDIA_ROOT", os.path.join(WORK, "media"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from characters.faces import has_human_face  # noqa: E402
from characters.models import Character, Follow, Privacy  # noqa: E402
from characters.uploads import check_image  # noqa: E402


def _photo(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (200, 170, 140))
    draw = ImageDraw.Draw(image)
    for step in range(0, width, 37):
        draw.line([(step, 0), (width - step, height)], fill=(step % 255, 90, 160), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _timed(label: str, action, repeat: int = 3):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(repeat):
        result = action()
    print(f"{label}: {(time.perf_counter() - start) / repeat * 1000:.0f} ms")
    return result


def bench_uploads() -> None:
    """Check + re-encode and face detection for typical reference sizes."""
    for width, height in ((1024, 1024), (3000, 4000)):
        content = _photo(width, height)
        label = f"{width}x{height} JPEG ({len(content) / 1024 / 1024:.1f} MB)"
        checked = _timed(
            f"check_image {label}", lambda c=content: check_image(io.BytesIO(c), size=len(c))
        )
        _timed(f"has_human_face {label}", lambda i=checked.image: has_human_face(i))


def bench_visibility(count: int = 5000) -> None:
    """visible_to over many characters of many owners: one query, its time."""
    call_command("migrate", verbosity=0)
    owners = User.objects.bulk_create([User(username=f"owner{i}") for i in range(200)])
    me = User.objects.create(username="me")
    Follow.objects.bulk_create(
        [Follow(follower=me, followed=o) for o in owners[:100]]
        + [Follow(follower=o, followed=me) for o in owners[50:150]]
    )
    levels = list(Privacy)
    Character.objects.bulk_create(
        [
            Character(owner=owners[i % 200], name=f"C{i}", handle=f"c_{i}", appearance="x",
                      privacy=levels[i % 4])
            for i in range(count)
        ]
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        visible = _timed(
            f"visible_to over {count} characters",
            lambda: len(Character.objects.visible_to(me)),
            repeat=5,
        )
    print(f"  {visible} visible, {len(queries) // 5} query per call")
    _timed(
        "autocomplete prefix 'c_12'",
        lambda: list(Character.objects.visible_to(me).filter(handle__startswith="c_12")[:8]),
        repeat=20,
    )


if __name__ == "__main__":
    bench_uploads()
    bench_visibility()
