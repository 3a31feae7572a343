"""The hostile upload corpus: each file refused with a clear 4xx, fast, in bounded memory."""

from __future__ import annotations

import time
from html import unescape

import pytest
from django.urls import reverse

from characters.models import Character, ReferenceImage
from tests.character_media import image_bytes, upload
from tests.hostile_uploads import CLIPS, IMAGES
from tests.memory import peak_rss_growth

pytestmark = pytest.mark.django_db

SECONDS = 1.0
MEGABYTES = 64


_warm: list[bool] = []


@pytest.fixture(autouse=True)
def warm_process(client, writer):  # type: ignore[no-untyped-def]
    """One accepted preview first: a running server has its codecs and templates loaded."""
    if not _warm:
        client.force_login(writer)
        client.post(reverse("characters:preview"), {"front": upload(image_bytes(), "w.png")})
        client.logout()
        _warm.append(True)


def _measured(send):  # type: ignore[no-untyped-def]
    # CPU time of this thread (the test client runs the view in it): what a refusal costs
    # the server, whatever else the machine is doing at the same time.
    started = time.thread_time()
    with peak_rss_growth() as growth:
        response = send()
    return response, time.thread_time() - started, growth.mb


def _assert_refused(response, seconds: float, mb: float, message: str) -> None:  # type: ignore[no-untyped-def]
    page = unescape(response.content.decode())
    assert 400 <= response.status_code < 500, response.status_code
    assert message in page, page[:2000]
    assert seconds < SECONDS and mb < MEGABYTES, (seconds, mb)
    print(f"refused in {seconds * 1000:.0f} ms of CPU, +{mb:.1f} MB")  # the figures, with -s


@pytest.mark.parametrize(
    ("label", "filename", "make", "message"), IMAGES, ids=[i[0] for i in IMAGES]
)
def test_a_hostile_image_is_refused_as_a_reference(client, writer, label, filename, make, message):
    content = make()
    client.force_login(writer)
    data = {
        "name": "Momo", "handle": "momo_cat", "kind": "animal", "privacy": "only_me",
        "appearance": "A cat.", "front": upload(content, filename),
    }  # fmt: skip
    response, seconds, mb = _measured(lambda: client.post(reverse("characters:create"), data))
    _assert_refused(response, seconds, mb, message)
    assert not Character.objects.exists() and not ReferenceImage.objects.exists()


@pytest.mark.parametrize(
    ("label", "filename", "make", "message"), IMAGES, ids=[i[0] for i in IMAGES]
)
def test_a_hostile_image_is_refused_by_the_preview(client, writer, label, filename, make, message):
    content = make()
    client.force_login(writer)
    files = {"front": upload(content, filename)}
    response, seconds, mb = _measured(
        lambda: client.post(reverse("characters:preview"), files, headers={"HX-Request": "true"})
    )
    _assert_refused(response, seconds, mb, message)


@pytest.mark.parametrize(("label", "filename", "make", "message"), CLIPS, ids=[c[0] for c in CLIPS])
def test_a_hostile_clip_is_refused(client, writer, label, filename, make, message):
    content = make()
    character = Character.objects.create(
        owner=writer, name="Momo", handle="momo", appearance="A cat."
    )
    client.force_login(writer)
    url = reverse("characters:upload_clip", args=[character.handle])
    response, seconds, mb = _measured(
        lambda: client.post(url, {"clip": upload(content, filename, "video/mp4")})
    )
    _assert_refused(response, seconds, mb, message)
    character.refresh_from_db()
    assert not character.reference_clip
