"""Image providers through their real SDKs against the local fake image server."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from generation.providers.base import ProviderConfig, ProviderError
from generation.providers.images import GoogleImagesProvider, ImageRequest, OpenAIImagesProvider
from tests.continuity_world import figure_png
from tests.fake_images import FakeImages

KEY = "sk-image-Secr3tKey-4242"  # noqa: S105


def _openai(images: FakeImages, key: str = KEY) -> OpenAIImagesProvider:
    return OpenAIImagesProvider(ProviderConfig(api_key=key, base_url=images.base_url))


def _google(images: FakeImages, key: str = KEY) -> GoogleImagesProvider:
    return GoogleImagesProvider(ProviderConfig(api_key=key, base_url=images.google_base_url))


def _decoded(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def test_openai_images_generate_n_real_pngs_of_the_asked_size(images):
    made = _openai(images).generate(
        ImageRequest(prompt="A red robot, front view", count=3, size=(1024, 1536))
    )

    assert len(made) == 3
    assert {_decoded(m.content).size for m in made} == {(1024, 1536)}
    assert len({m.content for m in made}) == 3  # three different candidates
    (sent,) = images.requests
    assert sent["path"] == "/v1/images/generations" and sent["key"] == KEY
    assert sent["body"]["n"] == 3 and sent["body"]["size"] == "1024x1536"
    assert sent["body"]["model"] == "gpt-image-1"


def test_openai_side_views_are_edits_of_the_front_reference_sent_as_a_multipart_file(images):
    front = figure_png((200, 30, 40))
    made = _openai(images).generate(
        ImageRequest(prompt="Side view of the red robot", count=2, reference=front)
    )

    assert len(made) == 2
    (sent,) = images.requests
    assert sent["path"] == "/v1/images/edits"
    assert sent["files"]["image"] == len(front) and sent["png"]["image"]
    assert sent["body"]["prompt"] == "Side view of the red robot" and sent["body"]["n"] == "2"


def test_google_images_send_the_front_reference_as_an_inline_image_part(images):
    front = figure_png((30, 60, 200))
    made = _google(images).generate(
        ImageRequest(prompt="Back view of the blue robot", count=2, reference=front)
    )

    assert len(made) == 2 and all(_decoded(m.content).format == "PNG" for m in made)
    assert len(images.requests) == 2  # one image per call
    sent = images.requests[0]
    assert sent["path"].endswith("/models/gemini-2.5-flash-image:generateContent")
    parts = sent["body"]["contents"][0]["parts"]
    assert parts[0]["text"] == "Back view of the blue robot"
    assert base64.urlsafe_b64decode(parts[1]["inlineData"]["data"]) == front


@pytest.mark.parametrize("make", [_openai, _google])
def test_a_revoked_key_is_a_permanent_error_that_never_shows_the_key(images, make):
    with pytest.raises(ProviderError) as refused:
        make(images, key="sk-revoked-9999").generate(ImageRequest(prompt="A cat", count=2))

    assert refused.value.permanent and "credential" in str(refused.value)
    assert "sk-revoked-9999" not in str(refused.value)


@pytest.mark.parametrize("make", [_openai, _google])
def test_a_moderation_refusal_is_final_and_says_so(images, make):
    with pytest.raises(ProviderError) as refused:
        make(images).generate(ImageRequest(prompt="FORBIDDEN thing", count=2))

    assert refused.value.blocked and str(refused.value).startswith("Refused by the provider")
