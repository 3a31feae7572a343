"""Media on object storage: an S3-wire server (moto's server mode) started here, over HTTP.

With `COMICSTUDIO_MEDIA_BUCKET` set, media goes through django-storages to the bucket. An
upload lands there, a checked user is sent to a short-lived presigned URL (an outsider to
a 404), and code that reads files by path (the provider's reference images, the export's
takes, voices, music and font) gets a local copy with the same bytes. What the export and
the animatic make is stored in the bucket too: nothing media-related is under MEDIA_ROOT.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import av
import boto3
import httpx2 as httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from characters.models import Angle, Character, Privacy, ReferenceImage
from characters.services import add_reference
from characters.stored_files import recorded_file
from characters.uploads import check_image
from comicstudio.embedded_redis import free_port
from comicstudio_cli.client import NOT_FOUND, ApiError, Client
from generation.export.models import ExportStatus
from generation.export.services import run_export, start_export
from generation.models import GenerationStatus, Take
from generation.prompts import compile_scene
from generation.review.room import frame_rate
from generation.sound.models import ProjectSound
from projects.models import Episode, Project, Scene
from tests.api_world import token_for
from tests.browser import asgi_server
from tests.character_media import image_bytes, upload
from tests.export_world import MATCHING, add_take, approve_all
from tests.factories import request_takes
from tests.sound_world import add_speech_credential, fake_speech, voice_mia
from tests.test_export_font import LATIN_FONT
from tests.test_sound_export import music_wav
from tests.waiting import wait_for

__all__ = ["asgi_server", "fake_speech"]  # fixtures used by name

pytestmark = pytest.mark.django_db
BUCKET = "comicstudio-media"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto in server mode, its own process: the same wire protocol as any S3 service."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(endpoint, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The default storage is the bucket, as settings.py makes it from the environment."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 300,
                "signature_version": "s3v4",
            },
        },
    }
    settings.MEDIA_COPIES = tmp_path / "copies"
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def test_a_reference_is_stored_in_the_bucket_and_delivered_by_a_presigned_url(
    client, bucket, writer, outsider, settings
):
    character = Character.objects.create(
        owner=writer, name="Mia", handle="mia", appearance="x", privacy=Privacy.ONLY_ME
    )
    content = image_bytes()
    client.force_login(writer)
    url = reverse("characters:upload_reference", kwargs={"handle": "mia"})
    client.post(url, {"angle": "front", "image": upload(content)})

    reference = ReferenceImage.objects.get(character=character)
    # The checked (re-encoded, metadata-free) image is what is stored, in the bucket only.
    stored = bucket.get_object(Bucket=BUCKET, Key=reference.image.name)["Body"].read()
    assert stored.startswith(b"\x89PNG") and len(stored) > 100
    assert not (Path(settings.MEDIA_ROOT) / reference.image.name).exists()

    media = reverse("characters:reference_image", kwargs={"reference_id": reference.pk})
    answer = client.get(media)
    assert answer.status_code == 302 and "X-Amz-Signature" in answer["Location"]
    fetched = httpx.get(answer["Location"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == stored
    assert fetched.headers["content-type"] == "image/png"

    client.force_login(outsider)
    assert client.get(media).status_code == 404


def test_the_prompts_reference_images_are_local_copies_of_the_stored_bytes(
    client, bucket, studio, writer, settings
):
    character = Character.objects.create(
        owner=writer, name="Mia", handle="mia", appearance="x", privacy=Privacy.EVERYONE
    )
    client.force_login(writer)
    url = reverse("characters:upload_reference", kwargs={"handle": "mia"})
    client.post(url, {"angle": "front", "image": upload(image_bytes(size=(300, 300)))})
    project = Project.objects.create(studio=studio, name="Soup", provider="veo")
    episode = Episode.objects.create(project=project, number=1, title="Soup")
    scene = Scene.objects.create(episode=episode, position=1, heading="INT. KITCHEN - DAY")
    scene.cast.add(character)

    compiled = compile_scene(scene, provider="veo")

    # The prompt (and so a take's stored request) names the stored file, not a local path;
    # the provider call reads a copy on whichever machine sends it.
    (image,) = compiled.references
    name = ReferenceImage.objects.get(character=character).image.name
    assert image.file == name
    stored = bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    copy = recorded_file(image.file)
    assert copy.read_bytes() == stored and copy.is_relative_to(settings.MEDIA_COPIES)
    # A request recorded before (the web process's local copy) still resolves.
    assert recorded_file(str(Path(settings.MEDIA_COPIES, name))) == copy


def _no_media_under(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def _keys(bucket, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    listed = bucket.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def _bucket_bytes(bucket, name: str) -> bytes:  # type: ignore[no-untyped-def]
    return bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()


def test_an_export_with_voices_music_and_a_font_is_made_into_the_bucket_and_delivered_checked(
    client, bucket, settings, tmp_path, episode, producer, writer, outsider, fake_speech
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    approve_all(episode, writer, MATCHING)  # the takes: stored in the bucket
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    sound = ProjectSound.objects.get(project=episode.project)
    sound.music.save("bed.wav", ContentFile(music_wav(20.0)))
    client.force_login(producer)
    font = reverse("generation:subtitle_font", args=[episode.pk])
    client.post(font, {"font": SimpleUploadedFile("serif.ttf", LATIN_FONT.read_bytes())})

    export = start_export(episode=episode, kind="final", requested_by=producer,
                          burn_subtitles=True)  # fmt: skip
    assert run_export(export.pk) == "done"
    export.refresh_from_db()

    assert export.status == ExportStatus.SUCCEEDED, export.error
    assert export.options["subtitle_font"]["family"] == "Liberation Serif"
    assert export.report["loudness"]["target_lufs"] == -14  # the sound stage ran
    names = [export.video.name, export.subtitles_srt.name, export.subtitles_vtt.name,
             export.handoff.name]  # fmt: skip
    folder = f"exports/{episode.pk}/{export.number}/"
    assert sorted(_keys(bucket, folder)) == sorted(names)
    with av.open(io.BytesIO(_bucket_bytes(bucket, export.video.name))) as container:
        kinds = [s.type for s in container.streams]
        assert (kinds.count("video"), kinds.count("audio"), kinds.count("subtitle")) == (1, 1, 1)
        assert container.streams.video[0].width == 720
        audio = container.streams.audio[0]
        assert float(audio.duration * audio.time_base) == pytest.approx(
            sum(s.duration_seconds for s in episode.scenes.all()), abs=0.1
        )
    assert b"Almost ready." in _bucket_bytes(bucket, export.subtitles_srt.name)
    with zipfile.ZipFile(io.BytesIO(_bucket_bytes(bucket, export.handoff.name))) as handoff:
        assert any(n.endswith(".otio") for n in handoff.namelist())
    assert _no_media_under(settings.MEDIA_ROOT) == []

    # Downloads are checked first, then sent to the object's presigned URL.
    url = reverse("generation:export_file", args=[export.pk, "video"]) + "?download=1"
    answer = client.get(url)
    assert answer.status_code == 302 and "X-Amz-Signature" in answer["Location"]
    fetched = httpx.get(answer["Location"], timeout=30)
    assert fetched.status_code == 200
    assert fetched.content == _bucket_bytes(bucket, export.video.name)
    assert "episode-1-v1.mp4" in fetched.headers["content-disposition"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_review_room_reads_a_bucket_takes_frame_rate_through_a_presigned_url(
    bucket, settings, tmp_path, episode, writer
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    scene = episode.scenes.order_by("position").first()
    take = add_take(scene, writer, (360, 640, 15))
    assert take.video.name in _keys(bucket, "takes/")
    assert frame_rate(take) == 15  # not the browser's default step (24)
    assert _no_media_under(settings.MEDIA_ROOT) == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_animatic_renders_into_the_bucket_and_its_take_names_stored_portraits(
    bucket, settings, tmp_path, episode, writer, celery_worker
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_COPIES = tmp_path / "render-side-copies"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (220, 20, 20)).save(buffer, "PNG")
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia_cook", appearance="x")
    checked = check_image(io.BytesIO(buffer.getvalue()), size=len(buffer.getvalue()))
    reference = add_reference(character=mia, angle=Angle.FRONT, checked=checked)
    scene = episode.scenes.order_by("position").first()
    scene.cast.set([mia])

    (take,) = request_takes(scenes=[scene], requested_by=writer)
    wait_for(lambda: _finished(take), timeout=120, what="the animatic take")

    assert take.generation_status == GenerationStatus.SUCCEEDED, take.error
    # Its request names the portrait by storage name: any worker on any machine reads it.
    assert take.request["portraits"] == [["Mia", reference.image.name]]
    with av.open(io.BytesIO(_bucket_bytes(bucket, take.video.name))) as container:
        assert container.duration / 1_000_000 == pytest.approx(scene.duration_seconds, abs=0.2)
    with Image.open(io.BytesIO(_bucket_bytes(bucket, take.thumbnail.name))) as thumb:
        pixels = list(thumb.convert("RGB").get_flattened_data())
    assert sum(r > 180 and g < 70 and b < 70 for r, g, b in pixels) / len(pixels) > 0.02
    # The job's own files were stored in the bucket and removed once the take had its copy.
    wait_for(lambda: _keys(bucket, "animatic-jobs/") == [], what="the job files to go")
    assert _no_media_under(settings.MEDIA_ROOT) == []


def _finished(take: Take) -> bool:
    take.refresh_from_db()
    return take.generation_status in {GenerationStatus.SUCCEEDED, GenerationStatus.FAILED,
                                      GenerationStatus.BLOCKED}  # fmt: skip


class _BucketDoor(BaseHTTPRequestHandler):
    """In front of the S3 server: records each download's headers, passes reads on."""

    def _pass(self, method: str) -> None:
        passed = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        answer = httpx.request(method, self.server.target + self.path, headers=passed,  # type: ignore[attr-defined]
                               timeout=10)  # fmt: skip
        self.send_response(answer.status_code)
        for name in ("content-type", "content-disposition", "content-length", "etag",
                     "last-modified"):  # fmt: skip
            if name in answer.headers:
                self.send_header(name, answer.headers[name])
        self.end_headers()
        if method == "GET":
            self.wfile.write(answer.content)

    def do_GET(self) -> None:  # noqa: N802 — the handler's API
        self.server.seen.append({k.lower(): v for k, v in self.headers.items()})  # type: ignore[attr-defined]
        self._pass("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._pass("HEAD")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bucket_door(s3_endpoint) -> Iterator[ThreadingHTTPServer]:  # type: ignore[no-untyped-def]
    door = ThreadingHTTPServer(("127.0.0.1", 0), _BucketDoor)
    door.seen, door.target = [], s3_endpoint  # type: ignore[attr-defined]
    thread = threading.Thread(target=door.serve_forever, daemon=True)
    thread.start()
    yield door
    door.shutdown()
    door.server_close()


@pytest.mark.django_db(transaction=True)
def test_the_command_line_downloads_a_take_from_the_bucket_without_taking_its_token_there(
    bucket,
    bucket_door,
    settings,
    tmp_path,
    asgi_server,
    studio,
    producer,
    outsider,
    episode,
    writer,
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    take = add_take(episode.scenes.order_by("position").first(), writer, (360, 640, 15))
    path = f"/api/v1/takes/{take.pk}/video"
    # Presigned URLs now name the recording door (the same bucket behind it).
    default = settings.STORAGES["default"]
    door_url = f"http://127.0.0.1:{bucket_door.server_address[1]}"
    options = default["OPTIONS"] | {"endpoint_url": door_url}
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}

    # The API checks the token, then redirects to the presigned URL: the bucket is sent the
    # URL's signature only, never the studio's API token (S3 refuses two kinds of auth).
    secret = token_for(producer, studio)
    target = tmp_path / "take.mp4"
    size = Client(asgi_server.url, secret).download(path, target)
    assert target.read_bytes() == _bucket_bytes(bucket, take.video.name) and size > 1000
    (seen,) = bucket_door.seen
    assert "authorization" not in seen and secret not in str(seen)
    with pytest.raises(ApiError) as refused:
        other = outsider.memberships.get().studio
        Client(asgi_server.url, token_for(outsider, other)).download(path, tmp_path / "no.mp4")
    assert refused.value.code == NOT_FOUND
