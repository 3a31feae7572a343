"""Reading stored media from disk, whatever the storage: the one helper for it.

Video and image libraries (PyAV, OpenCV, the animatic's drawing, the export) open files by
path. On the filesystem storage that is the stored file itself; on object storage it is a
local copy, downloaded once per machine. Stored names are never reused for other bytes
(`file_overwrite` is off), so a copy kept under its name stays true.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
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
