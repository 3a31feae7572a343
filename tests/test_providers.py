"""The providers through their real SDKs against the fake provider's wire formats."""

from __future__ import annotations

import base64
import warnings

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from generation.providers import ProviderError, get_provider
from generation.providers.base import ProviderConfig, VideoRequest
from tests.fake_provider import JPEG_MAGIC, video_bytes
from tests.waiting import wait_for

KEY = "sk-provider-test-0001"  # noqa: S105


def _openai(fake):  # type: ignore[no-untyped-def]
    return get_provider("openai", ProviderConfig(api_key=KEY, base_url=fake.openai_base_url))


def _request(prompt: str, **fields) -> VideoRequest:  # type: ignore[no-untyped-def]
    return VideoRequest(prompt=prompt, duration_seconds=8, width=720, height=1280, **fields)


def test_remote_providers_refuse_to_start_without_a_credential():
    with pytest.raises(ProviderError, match="has no credential in this studio"):
        get_provider("openai")


def test_openai_create_poll_and_download_speak_the_videos_api(fake, settings, tmp_path):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    provider = _openai(fake)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # our calls filter the Sora notice
        job_id = provider.submit(_request("A kite.", character_ids=("char_1",)))
        first = provider.poll(job_id)
        wait_for(lambda: provider.poll(job_id).state == "succeeded", what="the job")
        provider.download(job_id, video_path=tmp_path / "v.mp4", thumbnail_path=tmp_path / "t.jpg")

    assert first.state in {"queued", "running"} and first.poll_after == 0.2
    (job,) = fake.submissions()
    assert (job.model, job.seconds, job.size) == ("sora-2", "8", "720x1280")
    assert job.body["characters"] == ["char_1"]
    create = next(r for r in fake.requests if r.path == "/v1/videos" and r.method == "POST")
    assert create.headers["Content-Type"].startswith("multipart/form-data")
    assert (tmp_path / "v.mp4").read_bytes() == video_bytes(job_id)
    assert (tmp_path / "t.jpg").read_bytes() == JPEG_MAGIC


def test_openai_registers_a_character_clip_and_remixes_a_finished_video(fake, settings, tmp_path):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    provider = _openai(fake)
    clip = tmp_path / "mia.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42 a 3 s reference clip")

    character_id = provider.register_character(name="Mia", clip=clip)
    job_id = provider.submit(_request("Mia waves.", character_ids=(character_id,)))
    remix_id = provider.remix(job_id, "Mia waves, slower.")

    assert fake.characters == {character_id: "Mia"}
    assert fake.jobs[remix_id].remixed_from == job_id
    assert fake.jobs[remix_id].prompt == "Mia waves, slower."


def test_openai_reconciles_by_prompt_and_time_and_skips_known_jobs(fake, settings):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    provider = _openai(fake)
    request = _request("A boat.")
    old = provider.submit(request)
    new = provider.submit(request)

    assert provider.find_job(request, since=fake.jobs[new].created, exclude={old}) == new
    assert provider.find_job(request, since=fake.jobs[new].created, exclude={old, new}) is None
    assert provider.find_job(_request("Another."), since=0, exclude=set()) is None


def test_veo_sends_reference_images_aspect_duration_negative_prompt_and_audio(
    fake, settings, tmp_path
):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    settings.MEDIA_ROOT = tmp_path / "media"
    provider = get_provider("veo", ProviderConfig(api_key=KEY, base_url=fake.veo_base_url))
    images = [  # a request names its reference images by storage name
        default_storage.save(
            f"characters/1/references/{name}.png", ContentFile(b"\x89PNG " + name.encode())
        )
        for name in ("front", "side", "back", "extra")
    ]

    provider.submit(
        _request("Mia runs.", reference_images=tuple(images), negative_prompt="text", audio=False)
    )

    body = fake.submissions()[0].body
    instance, parameters = body["instances"][0], body["parameters"]
    assert instance["prompt"] == "Mia runs."
    assert [r["referenceType"] for r in instance["referenceImages"]] == ["ASSET"] * 3
    first = instance["referenceImages"][0]["image"]
    assert base64.b64decode(first["bytesBase64Encoded"]) == b"\x89PNG front"
    assert parameters["aspectRatio"] == "9:16" and parameters["durationSeconds"] == 8
    assert parameters["negativePrompt"] == "text" and parameters["generateAudio"] is False


def test_veo_reports_a_failed_operation_with_the_apis_message(fake, settings):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    fake.latency = 0.2
    provider = get_provider("veo", ProviderConfig(api_key=KEY, base_url=fake.veo_base_url))
    job_id = provider.submit(_request("Broken [error]."))

    status = wait_for(lambda: (s := provider.poll(job_id)).state != "running" and s, what="done")

    assert status.state == "failed"
    assert status.error == (
        "The provider could not make the video: Internal error while generating the video."
    )
