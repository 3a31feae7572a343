"""Reference uploads are checked by content; every refusal is a clear error and saves nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from characters.models import Character, ReferenceImage
from characters.tasks import make_reference_thumbnail
from characters.uploads import MAX_IMAGE_BYTES
from tests.character_media import (
    animated_webp,
    clip_bytes,
    cmyk_jpeg,
    face_png,
    image_bytes,
    jpeg_with_exif_rotation_and_gps,
    png_claiming_size,
    upload,
)
from tests.conftest import make_user
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "characters"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _create(client, front, *, follow=False, **extra):  # type: ignore[no-untyped-def]
    data = {
        "name": "Momo", "handle": "momo_cat", "kind": "animal", "privacy": "only_me",
        "appearance": "A round grey cat with a red bell.", "front": front, **extra,
    }  # fmt: skip
    return client.post(reverse("characters:create"), data, follow=follow)


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test sees only the files it stored."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def artist(client):  # type: ignore[no-untyped-def]
    user = make_user("ada_artist")
    client.force_login(user)
    return user


REFUSALS = [
    ("decompression bomb", lambda: png_claiming_size(30_000, 30_000), "too many pixels"),
    ("just over the pixel limit", lambda: png_claiming_size(10_000, 5_000), "too many pixels"),
    ("text renamed .png", lambda: b"just some notes, not a picture\n" * 20, "not an image"),
    (
        "truncated JPEG",
        lambda: image_bytes("JPEG", size=(400, 300))[:1500],
        "damaged or incomplete",
    ),
    ("animated WebP", animated_webp, "Animated images are not accepted"),
    ("GIF", lambda: image_bytes("GIF"), "GIF images are not accepted"),
    ("oversized", lambda: b"\x89PNG" + b"0" * MAX_IMAGE_BYTES, "larger than 10 MB"),
]


@pytest.mark.parametrize(("case", "make", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_reference_is_refused_with_a_clear_message_and_nothing_is_saved(
    client, artist, case, make, message
):
    response = _create(client, upload(make(), "front.png"))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Character.objects.count() == 0
    assert ReferenceImage.objects.count() == 0
    assert _stored_files() == []


def test_one_bad_image_among_good_ones_saves_nothing(client, artist):
    good = upload(image_bytes(), "side.png")

    response = _create(client, upload(b"not an image", "front.png"), side=good)

    assert "not an image" in response.content.decode()
    assert Character.objects.count() == 0 and _stored_files() == []


def test_exif_orientation_is_applied_and_all_metadata_is_stripped(client, artist):
    response = _create(client, upload(jpeg_with_exif_rotation_and_gps(), "photo.jpg"))

    assert response.status_code == 302
    reference = ReferenceImage.objects.get()
    stored = reference.image.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (256, 320)  # rotated upright: was 320 x 256 with "rotate 90°"
        assert dict(image.getexif()) == {}
    assert b"SecretCam" not in stored
    assert (reference.width, reference.height, reference.content_type) == (256, 320, "image/jpeg")
    assert reference.image.name.endswith(".jpg") and "photo" not in reference.image.name


def test_a_cmyk_jpeg_is_converted_to_rgb(client, artist):
    response = _create(client, upload(cmyk_jpeg(), "print.jpg"))

    assert response.status_code == 302
    with Image.open(ReferenceImage.objects.get().image) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((5, 5))
        assert red > 200 and green < 60 and blue < 60  # magenta + yellow ink: red


def test_the_type_comes_from_the_content_not_the_name(client, artist):
    response = _create(client, upload(image_bytes("WEBP"), "looks-like.png"))

    assert response.status_code == 302
    reference = ReferenceImage.objects.get()
    assert reference.content_type == "image/webp" and reference.image.name.endswith(".webp")


def test_a_human_face_is_recorded_and_the_owner_is_warned(client, artist):
    response = _create(client, upload(face_png(), "face.png"), follow=True)

    assert ReferenceImage.objects.get().has_face is True
    assert "seems to show a human face" in response.content.decode()


def test_a_drawing_without_a_face_gets_no_warning(client, artist):
    response = client.post(
        reverse("characters:create"),
        {
            "name": "Box", "handle": "box_bot", "kind": "object", "privacy": "only_me",
            "appearance": "A cardboard box.", "front": upload(image_bytes(size=(400, 400))),
        },
        follow=True,
    )  # fmt: skip

    assert ReferenceImage.objects.get().has_face is False
    assert "human face" not in response.content.decode()


def test_the_thumbnail_task_makes_a_small_jpeg_once(client, artist):
    _create(client, upload(image_bytes(size=(1200, 900))))
    reference = ReferenceImage.objects.get()

    make_reference_thumbnail(reference.pk)
    make_reference_thumbnail(reference.pk)  # delivered twice: nothing changes

    reference.refresh_from_db()
    with Image.open(reference.thumbnail) as thumbnail:
        assert thumbnail.format == "JPEG" and max(thumbnail.size) == 360
    assert len([p for p in _stored_files() if "thumbnails" in str(p)]) == 1


@pytest.mark.worker
def test_the_worker_makes_the_thumbnail_after_upload(transactional_db, celery_worker, client):
    client.force_login(make_user("wes_worker"))

    _create(client, upload(image_bytes(size=(800, 800))))

    reference = ReferenceImage.objects.get()
    wait_for(
        lambda: ReferenceImage.objects.filter(pk=reference.pk).exclude(thumbnail="").exists(),
        timeout=60,
        what="the thumbnail",
    )
    response = client.get(reverse("characters:reference_thumbnail", args=[reference.pk]))
    assert response["Content-Type"] == "image/jpeg"


def test_an_htmx_preview_shows_the_image_or_the_error_and_stores_nothing(client, writer):
    client.force_login(writer)  # previews are for studio members
    response = client.post(
        reverse("characters:preview"),
        {"front": upload(face_png()), "side": upload(animated_webp(), "a.webp")},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert 'data-field="front"' in page and "data:image/jpeg;base64," in page
    assert "looks like a human face" in page
    assert "Animated images are not accepted" in page
    assert _stored_files() == [] and ReferenceImage.objects.count() == 0


# --- Reference clip --------------------------------------------------------------------


@pytest.fixture
def momo(client, artist):  # type: ignore[no-untyped-def]
    _create(client, upload(image_bytes()))
    return Character.objects.get()


def _upload_clip(client, character, content: bytes):  # type: ignore[no-untyped-def]
    url = reverse("characters:upload_clip", args=[character.handle])
    return client.post(url, {"clip": upload(content, "clip.mp4", "video/mp4")})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: clip_bytes(10), "must last 2 to 4 seconds; this one lasts 10.0 s"),
        (lambda: clip_bytes(1), "must last 2 to 4 seconds; this one lasts 1.0 s"),
        (lambda: clip_bytes(3, codec="mpeg4"), "must be an MP4 with H.264 video"),
        (lambda: image_bytes(), "must be an MP4 with H.264 video"),
        (lambda: b"plain text, not a video" * 10, "not a video we can read"),
    ],
    ids=["10 s clip", "1 s clip", "MPEG-4 part 2", "an image", "text"],
)
def test_a_bad_clip_is_refused_and_nothing_is_saved(client, momo, make, message):
    before = _stored_files()

    response = _upload_clip(client, momo, make())

    assert response.status_code == 400
    assert message in response.content.decode()
    momo.refresh_from_db()
    assert not momo.reference_clip and momo.clip_seconds is None
    assert _stored_files() == before


def test_a_three_second_h264_clip_is_stored_and_served_with_ranges(client, momo):
    content = clip_bytes(3)

    assert _upload_clip(client, momo, content).status_code == 302

    momo.refresh_from_db()
    assert momo.clip_seconds == 3.0
    url = reverse("characters:reference_clip", args=[momo.handle])
    response = client.get(url, headers={"range": "bytes=0-99"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == content[:100]
