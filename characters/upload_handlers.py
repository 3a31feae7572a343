"""Stop storing an uploaded file once it is past the largest size any upload may have.

The first handler in FILE_UPLOAD_HANDLERS: below the limit it passes every chunk on to
Django's own handlers; past it, it drops the rest of the file and hands the form an empty
file whose `size` is what was sent so far, so the form's own size check refuses it with
its usual message ("This image is larger than 10 MB.") and nothing big reaches disk.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from characters.uploads import MAX_CLIP_BYTES, MAX_IMAGE_BYTES

MAX_FILE_BYTES = max(MAX_CLIP_BYTES, MAX_IMAGE_BYTES)


class OversizedUpload(UploadedFile):
    """A file cut off at the limit: no content, its size as far as it was read."""

    def __init__(self, *, name: str, content_type: str, size: int, charset: Any) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class CappedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        return raw_data if self.seen <= MAX_FILE_BYTES else None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.seen <= MAX_FILE_BYTES:
            return None  # the next handler holds the whole file
        return OversizedUpload(
            name=self.file_name or "upload",
            content_type=self.content_type or "application/octet-stream",
            size=self.seen,
            charset=self.charset,
        )
