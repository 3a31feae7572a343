"""Take media go only to members of the studio, through views that check who asks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from generation.models import GenerationStatus, Take
from projects.models import Scene
from tests.factories import make_take

pytestmark = pytest.mark.django_db

VIDEO = b"0123456789" * 100  # 1000 bytes
THUMBNAIL = b"\xff\xd8\xff" + b"thumbnail" * 20


@pytest.fixture
def take(episode, writer) -> Iterator[Take]:  # type: ignore[no-untyped-def]
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    take = make_take(scene, writer, generation_status=GenerationStatus.SUCCEEDED)
    # The storage picks a free name if the path is taken: use the name it returns.
    names = [
        default_storage.save("takes/x/video.mp4", ContentFile(VIDEO)),
        default_storage.save("takes/x/thumbnail.jpg", ContentFile(THUMBNAIL)),
    ]
    take.video, take.thumbnail = names
    take.save()
    yield take
    for name in names:
        default_storage.delete(name)


def video_url(take: Take) -> str:
    return reverse("generation:take_video", kwargs={"take_id": take.pk})


def thumbnail_url(take: Take) -> str:
    return reverse("generation:take_thumbnail", kwargs={"take_id": take.pk})


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


# --- Whole files -----------------------------------------------------------------------


def test_member_gets_the_whole_video(client, take, viewer):
    client.force_login(viewer)

    response = client.get(video_url(take))

    assert response.status_code == 200
    assert body(response) == VIDEO
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == "1000"


def test_member_gets_the_thumbnail(client, take, viewer):
    client.force_login(viewer)

    response = client.get(thumbnail_url(take))

    assert response.status_code == 200
    assert body(response) == THUMBNAIL
    assert response["Content-Type"] == "image/jpeg"


def test_media_responses_are_not_cached_by_shared_caches(client, take, viewer):
    client.force_login(viewer)

    response = client.get(video_url(take))

    assert "private" in response["Cache-Control"]
    body(response)


# --- Byte ranges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        ("bytes=990-", 990, 999),
        ("bytes=-5", 995, 999),
        ("bytes=900-5000", 900, 999),  # an end past the file is cut to the file
        ("bytes=-5000", 0, 999),  # a suffix longer than the file is the whole file
    ],
)
def test_a_range_request_gets_exactly_that_part_of_the_video(
    client, take, viewer, header, start, end
):
    client.force_login(viewer)

    response = client.get(video_url(take), headers={"range": header})

    assert response.status_code == 206
    assert body(response) == VIDEO[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/1000"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"


def test_the_first_hundred_bytes(client, take, viewer):
    client.force_login(viewer)

    response = client.get(video_url(take), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert body(response) == b"0123456789" * 10
    assert response["Content-Range"] == "bytes 0-99/1000"


def test_a_range_past_the_end_of_the_file_is_unsatisfiable(client, take, viewer):
    client.force_login(viewer)

    response = client.get(video_url(take), HTTP_RANGE="bytes=5000-")

    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1000"
    assert VIDEO not in response.content


# --- Who may not have the bytes --------------------------------------------------------


@pytest.mark.parametrize("url_of", [video_url, thumbnail_url])
def test_an_outsider_gets_not_found(client, take, outsider, url_of):
    client.force_login(outsider)

    response = client.get(url_of(take))

    assert response.status_code == 404
    assert VIDEO not in response.content
    assert THUMBNAIL not in response.content


def test_an_outsider_with_a_range_header_gets_not_found(client, take, outsider):
    client.force_login(outsider)

    response = client.get(video_url(take), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 404


@pytest.mark.parametrize("url_of", [video_url, thumbnail_url])
def test_an_anonymous_visitor_is_sent_to_log_in(client, take, url_of):
    response = client.get(url_of(take))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not getattr(response, "streaming", False)
    assert VIDEO not in response.content
    assert THUMBNAIL not in response.content


def test_a_take_without_a_video_file_is_not_found(client, take, viewer):
    take.video = ""
    take.save()
    client.force_login(viewer)

    response = client.get(video_url(take))

    assert response.status_code == 404


def test_a_take_whose_file_is_gone_from_storage_is_not_found(client, take, viewer):
    default_storage.delete(take.video.name)
    client.force_login(viewer)

    response = client.get(video_url(take))

    assert response.status_code == 404


def test_an_unknown_take_is_not_found(client, take, viewer):
    client.force_login(viewer)

    response = client.get(reverse("generation:take_video", kwargs={"take_id": take.pk + 1000}))

    assert response.status_code == 404


# --- With a front server ---------------------------------------------------------------


def test_with_a_front_server_the_file_is_handed_off_by_x_accel_redirect(
    client, take, viewer, settings
):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected/"
    client.force_login(viewer)

    response = client.get(video_url(take))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{take.video.name}"
    assert response["Content-Type"] == "video/mp4"
    assert response.content == b""


def test_with_a_front_server_an_outsider_still_gets_not_found(client, take, outsider, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected/"
    client.force_login(outsider)

    response = client.get(video_url(take))

    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")


# --- No public URL ---------------------------------------------------------------------


def test_there_is_no_public_media_url(client, take, viewer):
    client.force_login(viewer)

    for name in (take.video.name, take.thumbnail.name):
        response = client.get(f"/media/{name}")

        assert response.status_code == 404
        assert VIDEO not in response.content
        assert THUMBNAIL not in response.content
