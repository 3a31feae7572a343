"""A project's own font for burned-in subtitles: checked by content, then drawn with.

The CJK font is Debian's fonts-wqy-microhei (installed by .ci/run); DejaVu, the shipped
font, has no CJK glyphs.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from generation.export.captions import Caption, caption_box
from generation.export.fonts import MAX_FONT_BYTES
from generation.export.models import ExportStatus, SubtitleFont
from generation.export.services import run_export, start_export
from tests.export_world import MIXED, approve_all
from tests.system import file_or_skip

pytestmark = pytest.mark.django_db
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
LATIN_FONT = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def system_fonts() -> None:
    file_or_skip(CJK_FONT, "fonts-wqy-microhei")
    file_or_skip(LATIN_FONT, "fonts-liberation")


def _upload(client, episode, name: str, data: bytes):  # type: ignore[no-untyped-def]
    url = reverse("generation:subtitle_font", args=[episode.pk])
    return client.post(url, {"font": SimpleUploadedFile(name, data)}, follow=True)


def test_a_producer_uploads_a_cjk_font_and_the_export_page_names_it(client, episode, producer):
    client.force_login(producer)

    page = _upload(client, episode, "wqy.ttc", CJK_FONT.read_bytes()).content.decode()

    font = SubtitleFont.objects.get(project=episode.project)
    assert font.family == "WenQuanYi Micro Hei" and font.suffix == ".ttc"
    assert "now use WenQuanYi Micro Hei" in page and "this project's own font" in page
    assert Path(settings.MEDIA_ROOT, font.file.name).read_bytes() == CJK_FONT.read_bytes()


def test_files_that_are_not_fonts_are_refused_with_a_message_and_nothing_is_kept(
    client, episode, producer
):
    client.force_login(producer)
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    broken = LATIN_FONT.read_bytes()[:2000]  # a real font's start, cut off
    cases = [
        ("picture.ttf", png.getvalue(), "is not a TrueType or OpenType font"),
        ("broken.ttf", broken, "damaged"),
        ("huge.ttf", b"\x00\x01\x00\x00" + bytes(MAX_FONT_BYTES), "up to 20 MB"),
    ]
    for name, data, said in cases:
        page = _upload(client, episode, name, data).content.decode()
        assert said in page, name
    assert not SubtitleFont.objects.exists()


def test_writers_cannot_change_the_font_and_outsiders_do_not_see_the_episode(
    client, episode, writer, outsider
):
    for user, status in ((writer, 403), (outsider, 404)):
        client.force_login(user)
        url = reverse("generation:subtitle_font", args=[episode.pk])
        answer = client.post(url, {"font": SimpleUploadedFile("f.ttf", LATIN_FONT.read_bytes())})
        assert answer.status_code == status
    assert not SubtitleFont.objects.exists()


def test_the_cjk_font_draws_cjk_lines_the_shipped_font_cannot():
    def ink(text: str, own: Path | None) -> np.ndarray:
        return Caption(text, 720, 1280, own).alpha

    # DejaVu draws the same empty boxes for any two CJK lines; the CJK font draws letters.
    assert np.array_equal(ink("字幕", None), ink("你好", None))
    assert not np.array_equal(ink("字幕", CJK_FONT), ink("你好", CJK_FONT))
    assert (ink("字幕", CJK_FONT) > 0.5).sum() > 200


def _luma_at(export, seconds: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    with av.open(str(Path(settings.MEDIA_ROOT, export.video.name))) as container:
        frame = next(f for f in container.decode(video=0) if f.time >= seconds)
        return frame.to_ndarray(format="gray").astype(np.int16)


def test_a_burned_export_uses_the_projects_font_only_inside_the_subtitle_area(
    client, episode, producer, writer
):
    approve_all(episode, writer, MIXED)
    shipped = start_export(episode=episode, kind="final", requested_by=producer,
                           burn_subtitles=True)  # fmt: skip
    assert run_export(shipped.pk) == "done"
    client.force_login(producer)
    _upload(client, episode, "serif.ttf", LATIN_FONT.read_bytes())
    own = start_export(episode=episode, kind="final", requested_by=producer, burn_subtitles=True)
    assert run_export(own.pk) == "done"
    shipped.refresh_from_db()
    own.refresh_from_db()
    assert own.status == ExportStatus.SUCCEEDED, own.error
    assert own.options["subtitle_font"]["family"] == "Liberation Serif"
    assert "subtitle_font" not in shipped.options or not shipped.options["subtitle_font"]

    start, end = own.report["scenes"][0]  # scene 1 has dialogue
    during = start + (end - start) / 3
    diff = np.abs(_luma_at(own, during) - _luma_at(shipped, during))
    left, top, right, bottom = caption_box(720, 1280)
    inside = np.zeros(diff.shape, dtype=bool)
    inside[top:bottom, left:right] = True
    assert (diff[inside] > 60).sum() > 300  # other letter shapes
    assert np.percentile(diff[~inside], 99.9) <= 6  # the rest is the same picture
