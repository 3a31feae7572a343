"""Reading and writing stored media by path, whatever the storage: the one place for it.

Video and image libraries (PyAV, OpenCV, the animatic's drawing, the export) open files by
path. On the filesystem storage that is the stored file itself; on object storage it is a
local copy, downloaded once per machine. Stored names are never reused for other bytes
(`file_overwrite` is off), so a copy kept under its name stays true. What such libraries
write (an export, an animatic) is made in a temporary folder and then stored with
`store_file`; nothing media-related is kept under MEDIA_ROOT with a bucket.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile


def local_path(file: FieldFile | str, storage: Storage | None = None) -> Path:
    """A path on this machine holding the stored file's bytes (a file field, or a name)."""
    if isinstance(file, FieldFile):
        name, storage = file.name or "", file.storage
    else:
        name, storage = file, storage or default_storage
    try:
        return Path(storage.path(name))
    except NotImplementedError:  # object storage: no path of its own
        pass
    copy = Path(settings.MEDIA_COPIES, name)
    if not copy.resolve().is_relative_to(Path(settings.MEDIA_COPIES).resolve()):
        raise ValueError(f"Not a stored name: {name!r}")
    if not copy.exists():
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(f"{copy.name}.{os.getpid()}.part")
        with storage.open(name, "rb") as source, partial.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
        partial.replace(copy)  # whole or not at all, even with several readers at once
    return copy


def recorded_file(recorded: str) -> Path:
    """A local path for a file a take's request names: a stored name, or (requests recorded
    before they named files by storage name) the absolute path the recording machine had."""
    path = Path(recorded)
    if path.is_absolute():
        roots = (Path(settings.MEDIA_ROOT), Path(settings.MEDIA_COPIES))
        root = next((r for r in roots if path.is_relative_to(r)), None)
        if root is None:
            raise ValueError(f"Not a stored file: {recorded!r}")
        recorded = path.relative_to(root).as_posix()
    try:
        return local_path(recorded)
    except SuspiciousFileOperation as exc:  # a name outside the storage
        raise ValueError(f"Not a stored file: {recorded!r}") from exc


def probe_location(file: FieldFile) -> str:
    """Where PyAV may read a stored file's header from without copying it all: its path on
    the filesystem, else a short-lived presigned URL (FFmpeg asks for the byte ranges)."""
    try:
        return file.path
    except NotImplementedError:
        return file.storage.url(file.name)


def store_file(path: Path, name: str, storage: Storage | None = None) -> str:
    """Store a file made on this machine under `name` (or a free name next to it)."""
    with path.open("rb") as source:
        return (storage or default_storage).save(name, File(source, name=path.name))
