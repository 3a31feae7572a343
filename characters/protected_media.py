"""Delivering stored media to a user who was already checked: never a public URL.

Every app's media views check access first and then call `serve_file`. With a front
server, the file is handed off via X-Accel-Redirect; otherwise it is streamed here,
with HTTP range support so that `<video>` can seek.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db.models.fields.files import FieldFile
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
UNSATISFIABLE = (-1, -1)


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One byte range, UNSATISFIABLE, or None for a header to ignore (RFC 9110 §14.2)."""
    match = RANGE.match(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None  # other units, several ranges, garbage: send the whole file
    first, last = match.groups()
    if not first:  # "bytes=-500": the last 500 bytes
        return (max(size - int(last), 0), size - 1) if int(last) > 0 else UNSATISFIABLE
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    return start, min(int(last) if last else size - 1, size - 1)


CHUNK_BYTES = 256 * 1024


def _chunks(file: FieldFile, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0 and (data := file.read(min(CHUNK_BYTES, length))):
            length -= len(data)
            yield data
    finally:
        file.close()


async def _async_chunks(file: FieldFile, start: int, length: int) -> AsyncIterator[bytes]:
    # Under ASGI a sync iterator would be read whole into memory first: read in a thread.
    chunks = _chunks(file, start, length)
    read = sync_to_async(lambda: next(chunks, b""), thread_sensitive=False)
    while data := await read():
        yield data


def _label(response: HttpResponseBase, content_type: str, download_name: str) -> HttpResponseBase:
    # The type our checks validated, never sniffed; shown in the page, or saved under a name.
    response["X-Content-Type-Options"] = "nosniff"
    if response.status_code >= 400:
        return response
    response["Content-Type"] = content_type
    response["Content-Disposition"] = _disposition(download_name)
    return response


def serve_file(
    request: HttpRequest, file: FieldFile, *, content_type: str, download_name: str = ""
) -> HttpResponseBase:
    """Respond with a stored file (whole, or the requested byte range).

    `content_type` is the type validated at upload; with `download_name` the browser
    saves the file under that name instead of showing it.
    """
    response = _respond(request, file, content_type, download_name)
    return _label(response, content_type, download_name)


def _disposition(download_name: str) -> str:
    if download_name:
        return f"attachment; filename*=UTF-8''{quote(download_name)}"
    return "inline"


def _presigned(file: FieldFile, content_type: str, download_name: str) -> HttpResponseBase | None:
    """On object storage: a redirect to a short-lived presigned URL of the object."""
    try:
        file.storage.path(file.name or "")
    except NotImplementedError:
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": _disposition(download_name),
        }
        url = file.storage.url(file.name, parameters=parameters)  # type: ignore[call-arg]
        return HttpResponseRedirect(url)
    return None


def _respond(
    request: HttpRequest, file: FieldFile, content_type: str, download_name: str = ""
) -> HttpResponseBase:
    if not file.name or not file.storage.exists(file.name):
        raise Http404
    if remote := _presigned(file, content_type, download_name):
        return remote
    if prefix := settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        handoff = HttpResponse(content_type=content_type)
        handoff["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        return handoff
    size = file.size
    span = _parse_range(request.headers.get("Range", ""), size)
    if span == UNSATISFIABLE:
        refusal = HttpResponse(status=416)
        refusal["Content-Range"] = f"bytes */{size}"
        return refusal
    start, end = span or (0, size - 1)
    file.open("rb")
    reader = _async_chunks if isinstance(request, ASGIRequest) else _chunks
    response = StreamingHttpResponse(
        reader(file, start, end - start + 1),
        content_type=content_type,
        status=206 if span else 200,
    )
    response["Content-Length"] = str(end - start + 1)
    if span:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
