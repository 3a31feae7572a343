"""Continuity test world: a cast member drawn in one colour or another, the fake judge."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from fractions import Fraction

import av
import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from characters.models import Character, Privacy
from characters.services import add_reference
from characters.uploads import check_image
from generation.design.models import DesignSettings
from generation.drafting import ScriptAssistant
from tests.character_media import face_png
from tests.fake_chat import FakeChat

RED = (200, 30, 40)
BLUE = (30, 60, 200)
NOTES = "scarf is blue, the bible says red"


def figure_png(colour: tuple[int, int, int]) -> bytes:
    """A robot-ish figure in one colour on plain light paper (the animatic cuts it out)."""
    image = Image.new("RGB", (400, 600), (236, 234, 228))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([110, 60, 290, 220], radius=30, fill=colour)  # head
    draw.rectangle([90, 230, 310, 500], fill=colour)  # body
    draw.ellipse([150, 110, 180, 140], fill=(20, 20, 20))
    draw.ellipse([220, 110, 250, 140], fill=(20, 20, 20))
    draw.rectangle([120, 500, 170, 580], fill=(60, 60, 60))
    draw.rectangle([230, 500, 280, 580], fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def set_front(character: Character, colour: tuple[int, int, int]) -> None:
    """Replace the character's front reference by the figure in this colour (upload checks)."""
    content = figure_png(colour)
    checked = check_image(ContentFile(content), size=len(content))
    add_reference(character=character, angle="front", checked=checked)


def red_robot(owner) -> Character:  # type: ignore[no-untyped-def]
    character = Character.objects.create(
        owner=owner, name="Rosa", handle="rosa_bot", kind="mascot", privacy=Privacy.ONLY_ME,
        appearance="A small robot painted bright red, with round black eyes.",
    )  # fmt: skip
    set_front(character, RED)
    return character


def verdict(score: int, notes: str = NOTES, handle: str = "rosa_bot") -> str:
    return json.dumps({"characters": [{"handle": handle, "score": score, "notes": notes}]})


@pytest.fixture
def chat() -> Iterator[FakeChat]:
    server = FakeChat().start()
    yield server
    server.stop()


@pytest.fixture
def judge(studio, chat) -> FakeChat:  # type: ignore[no-untyped-def]
    assistant = ScriptAssistant(studio=studio, base_url=chat.base_url, model="vision-1")
    assistant.set_api_key("sk-chat-JudgeKey-0001")
    assistant.save()
    DesignSettings.objects.create(studio=studio, judge_enabled=True, judge_model="vision-judge")
    return chat


def face_clip(seconds: int = 2, fps: int = 10) -> bytes:
    """A real MP4 showing a drawn human face (OpenCV's cascade finds it) the whole time."""
    face = Image.open(io.BytesIO(face_png(320))).convert("RGB")
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 320, "yuv420p"
        stream.time_base = Fraction(1, fps)
        for index in range(seconds * fps):
            frame = av.VideoFrame.from_image(face)
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
