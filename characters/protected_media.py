"""Delivering stored media to a user who was already checked: never a public URL.

Every app's media views check access first and then call `serve_file`. With a front
server, the file is handed off via X-Accel-Redirect; otherwise it is streamed here,
with HTTP range support so that `<video>` can seek.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    match = RANGE.match(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(size - int(last), 0), size - 1
    return (start, end) if start <= end else None


class _Slice:
    """A file object that reads at most `length` bytes from `start`."""

    def __init__(self, file: FieldFile, start: int, length: int) -> None:
        file.seek(start)
        self.file, self.remaining = file, length

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.file.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


def serve_file(request: HttpRequest, file: FieldFile, *, content_type: str) -> HttpResponse:
    """Respond with a stored file (whole, or the requested byte range)."""
    if not file or not file.storage.exists(file.name):
        raise Http404
    if prefix := settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + file.name
        return response
    size = file.size
    span = (
        _parse_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    )
    if "Range" in request.headers and span is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    file.open("rb")
    if span is None:
        response = FileResponse(file, content_type=content_type)
    else:
        start, end = span
        response = FileResponse(
            _Slice(file, start, end - start + 1), content_type=content_type, status=206
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
