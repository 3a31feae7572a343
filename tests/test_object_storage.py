"""Media on object storage: an S3-wire server (moto's server mode) started here, over HTTP.

With `COMICSTUDIO_MEDIA_BUCKET` set, media goes through django-storages to the bucket. An
upload lands there, a checked user is sent to a short-lived presigned URL (an outsider to
a 404), and code that reads files by path (the prompt's reference images) gets a local
copy with the same bytes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx2 as httpx
import pytest
from django.urls import reverse

from characters.models import Character, Privacy, ReferenceImage
from comicstudio.embedded_redis import free_port
from generation.prompts import compile_scene
from projects.models import Episode, Project, Scene
from tests.character_media import image_bytes, upload

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

    (image,) = compiled.references
    name = ReferenceImage.objects.get(character=character).image.name
    stored = bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert Path(image.path).read_bytes() == stored
    assert Path(image.path).is_relative_to(settings.MEDIA_COPIES)
