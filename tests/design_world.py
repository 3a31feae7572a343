"""Fixtures for character design tests: the fake image server and a studio set up to use it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from characters.models import Character, Privacy
from generation.design.models import DesignSettings
from tests.fake_images import FakeImages

IMAGE_KEY = "sk-image-DesignKey-5150"  # noqa: S105


@pytest.fixture
def images() -> Iterator[FakeImages]:
    server = FakeImages().start()
    yield server
    server.stop()


@pytest.fixture
def design_settings(studio, images) -> DesignSettings:  # type: ignore[no-untyped-def]
    found = DesignSettings(
        studio=studio, image_provider="openai_images", base_url=images.base_url,
        budget=Decimal("5.00"),
    )  # fmt: skip
    found.set_api_key(IMAGE_KEY)
    found.save()
    return found


@pytest.fixture
def robot(writer) -> Character:  # type: ignore[no-untyped-def]
    return Character.objects.create(
        owner=writer, name="Rosa", handle="rosa_bot", kind="mascot", privacy=Privacy.ONLY_ME,
        appearance="A small robot painted bright red, with round black eyes.",
        style_notes="Flat 2D animation, thick outlines.",
    )  # fmt: skip
