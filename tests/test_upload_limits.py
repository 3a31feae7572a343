"""Uploads and previews: bounded memory, time and size; containers and sizes checked."""

from __future__ import annotations

import io
import socket
import time
from functools import cache

import pytest
from django.urls import reverse
from PIL import Image

from characters.previews import decode_slot
from tests.character_media import clip_bytes, image_bytes, upload
from tests.conftest import make_user
from tests.memory import peak_rss_growth

pytestmark = pytest.mark.django_db


@cache
def big_png(width: int, height: int) -> bytes:
    """A real, fully decodable PNG of this size: one colour, so only a few hundred KB."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@cache
def big_jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 60, 200)).save(buffer, format="JPEG", quality=50)
    return buffer.getvalue()


def _preview(client, content: bytes, name: str = "front.png"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("characters:preview"),
        {"front": upload(content, name)},
        headers={"HX-Request": "true"},
    )


def test_a_preview_of_a_bomb_sized_png_is_refused_from_its_header(client, writer):
    content = big_png(7900, 5000)  # 39.5 MP: under the upload limit, far over the preview's
    assert len(content) < 1024 * 1024
    client.force_login(writer)

    started = time.thread_time()  # CPU time: the machine's load does not count
    with peak_rss_growth() as growth:
        response = _preview(client, content)
    elapsed = time.thread_time() - started

    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert elapsed < 1.0 and growth.mb < 40, (elapsed, growth.mb)


def test_a_large_jpeg_preview_is_decoded_at_reduced_scale(client, writer):
    content = big_jpeg(4600, 3400)  # 15.6 MP, a big camera photo: 47 MB as full RGB pixels
    client.force_login(writer)

    with peak_rss_growth() as growth:
        response = _preview(client, content, "photo.jpg")

    assert response.status_code == 200
    assert "data:image/jpeg;base64," in response.content.decode()
    assert growth.mb < 40, growth.mb  # decoded whole, its pixels alone would take 47 MB


def test_the_preview_is_for_studio_members_only(client):
    client.force_login(make_user("no_studio"))
    response = _preview(client, image_bytes())
    assert response.status_code == 403
    assert "Previews are for members of a studio" in response.content.decode()


def test_a_user_whose_preview_is_still_decoding_is_asked_to_wait(client, writer):
    client.force_login(writer)
    with decode_slot(writer.pk):
        response = _preview(client, image_bytes())
    assert response.status_code == 429 and response["Retry-After"]
    assert "still being checked" in response.content.decode()
    assert _preview(client, image_bytes()).status_code == 200  # the slot is free again


def test_a_process_with_every_preview_slot_taken_answers_busy(client, writer, settings):
    settings.COMICSTUDIO_PREVIEW_DECODES = 2
    client.force_login(writer)
    with decode_slot(-1), decode_slot(-2):
        response = _preview(client, image_bytes())
    assert response.status_code == 503
    assert "Previews are busy" in response.content.decode()


def _create(client, front):  # type: ignore[no-untyped-def]
    data = {
        "name": "Momo", "handle": "momo_cat", "kind": "animal", "privacy": "only_me",
        "appearance": "A round grey cat.", "front": front,
    }  # fmt: skip
    return client.post(reverse("characters:create"), data)


def test_a_tiny_reference_image_is_refused_with_the_minimum_size(client, writer):
    client.force_login(writer)
    response = _create(client, upload(image_bytes(size=(8, 8))))
    assert response.status_code == 400
    assert "This image is 8×8 pixels: a reference needs at least 256 pixels" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("fmt", "codec"), [("mov", "libx264"), ("matroska", "libx264"), ("webm", "libvpx")]
)
def test_a_clip_in_another_container_is_refused_even_named_mp4(client, writer, fmt, codec):
    from characters.models import Character

    client.force_login(writer)
    character = Character.objects.create(
        owner=writer, name="Momo", handle="momo", appearance="A cat."
    )
    content = clip_bytes(3, fmt=fmt, codec=codec)
    url = reverse("characters:upload_clip", args=[character.handle])

    response = client.post(url, {"clip": upload(content, "clip.mp4", "video/mp4")})

    assert response.status_code == 400
    assert "must be an MP4 with H.264 video (not QuickTime .mov, MKV or WebM)" in (
        response.content.decode()
    )
    character.refresh_from_db()
    assert not character.reference_clip


def test_an_upload_past_every_limit_is_cut_off_with_the_usual_message(client, writer):
    from characters.models import Character

    client.force_login(writer)
    character = Character.objects.create(
        owner=writer, name="Momo", handle="momo", appearance="A cat."
    )
    url = reverse("characters:upload_clip", args=[character.handle])
    response = client.post(url, {"clip": upload(b"\0" * (21 * 1024 * 1024), "clip.mp4")})
    assert response.status_code == 400
    assert "This clip is larger than 20 MB." in response.content.decode()


def _raw_request(server, head: bytes) -> socket.socket:  # type: ignore[no-untyped-def]
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    conn.sendall(head)
    return conn


def _status_and_body(conn: socket.socket) -> tuple[int, str]:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


def test_a_declared_ten_gib_body_is_refused_at_once(asgi_server):
    head = (
        b"POST /characters/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n"
        + f"Content-Length: {10 * 1024**3}\r\n\r\n".encode()
    )
    started = time.monotonic()
    conn = _raw_request(asgi_server, head)
    status, body = _status_and_body(conn)
    assert status == 413 and "This request is larger than 50 MB" in body
    assert time.monotonic() - started < 1.0


def test_a_streamed_300_mib_body_is_cut_off_near_the_limit(asgi_server):
    conn = _raw_request(
        asgi_server,
        b"POST /characters/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    chunk = b"%x\r\n" % (1024 * 1024) + b"\0" * (1024 * 1024) + b"\r\n"
    sent = 0
    try:
        while sent < 300:
            conn.sendall(chunk)
            sent += 1
    except OSError:
        pass  # the server closed the connection: what we want
    status, body = _status_and_body(conn)
    assert status == 413 and "larger than 50 MB" in body
    assert sent < 120, f"{sent} MiB were accepted before the refusal"
