"""Translations: a writer fills in a language's lines; each language becomes its own
sidecar files, soft subtitle track (with its language) and <track> on the export page."""

from __future__ import annotations

from pathlib import Path

import av
import pysubs2
import pytest
from django.conf import settings
from django.urls import reverse

from generation.export.models import DialogueTranslation, Export, ExportStatus
from generation.export.services import is_stale, run_export, start_export
from projects.services import save_script
from tests.export_world import MATCHING, approve_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _page(episode, language: str) -> str:  # type: ignore[no-untyped-def]
    return reverse("generation:translation", args=[episode.pk, language])


def _translate(client, episode, language: str, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    page = client.get(_page(episode, language), follow=True)  # "pt-br" goes to "pt-BR"
    html = page.content.decode()
    fields = [part.split('"')[0] for part in html.split('<textarea id="')[1:]]
    assert len(fields) == 3  # the episode's three lines of dialogue
    data = {field: text for field, text in zip(fields, texts, strict=False)}
    response = client.post(page.request["PATH_INFO"], data, follow=True)
    assert "Saved" in response.content.decode()


def test_each_language_becomes_its_own_files_and_tracks(client, episode, producer, writer):
    approve_all(episode, writer, MATCHING)
    client.force_login(writer)
    _translate(client, episode, "es", ["Uno.", "Dos.", "Tres."])
    _translate(client, episode, "pt-br", ["Um."])  # one line only; the tag is standardised
    assert set(DialogueTranslation.objects.values_list("language", flat=True)) == {"es", "pt-BR"}

    export = start_export(episode=episode, kind="final", requested_by=producer)
    assert run_export(export.pk) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error

    media = Path(settings.MEDIA_ROOT)
    original = pysubs2.load(str(media / export.subtitles_srt.name))
    tracks = {t["language"]: t for t in export.subtitle_tracks}
    assert set(tracks) == {"es", "pt-BR"}
    for suffix in ("srt", "vtt"):
        spanish = pysubs2.load(str(media / tracks["es"][suffix]))
        assert [c.plaintext for c in spanish] == ["Uno.", "Dos.", "Tres."]
        assert [(c.start, c.end) for c in spanish] == [(c.start, c.end) for c in original]
        portuguese = pysubs2.load(str(media / tracks["pt-BR"][suffix]))
        assert [c.plaintext for c in portuguese] == ["Um."]
        assert (portuguese[0].start, portuguese[0].end) == (original[0].start, original[0].end)

    with av.open(str(media / export.video.name)) as container:
        subtitles = container.streams.subtitles
        assert len(subtitles) == 3
        assert [s.metadata.get("language") for s in subtitles[1:]] == ["spa", "por"]
        texts = [bytes(p)[2:].decode() for p in container.demux(subtitles[1])]
    assert [t for t in texts if t] == ["Uno.", "Dos.", "Tres."]

    client.force_login(producer)
    page = client.get(reverse("generation:export_detail", args=[export.pk])).content.decode()
    assert 'srclang="es"' in page and 'srclang="pt-BR"' in page
    vtt = client.get(reverse("generation:export_subtitles", args=[export.pk, "es", "vtt"]))
    assert b"Uno." in b"".join(vtt.streaming_content)  # type: ignore[attr-defined]

    # A translation entered later makes the export out of date.
    _translate(client, episode, "es", ["Uno!"])
    assert is_stale(export)


def test_a_changed_line_leaves_its_translation_out_until_saved_again(
    client, episode, producer, writer
):
    client.force_login(writer)
    _translate(client, episode, "fr", ["Un.", "Deux.", "Trois."])
    first = next(s for s in episode.scenes.order_by("position") if s.dialogue)
    old = first.dialogue[0]["line"]
    save_script(episode=episode, text=episode.script.replace(old, "Something else."),
                edited_by=writer)  # fmt: skip
    html = client.get(_page(episode, "fr")).content.decode()
    assert "The line changed since it was translated" in html
    approve_all(episode, writer, MATCHING)
    export = start_export(episode=episode, kind="final", requested_by=producer)
    assert run_export(export.pk) == "done"
    export.refresh_from_db()
    french = pysubs2.load(str(Path(settings.MEDIA_ROOT, export.subtitle_tracks[0]["srt"])))
    assert [c.plaintext for c in french] == ["Deux.", "Trois."]


def test_who_may_translate(client, episode, reviewer, outsider, writer):
    client.force_login(reviewer)
    page = client.get(_page(episode, "es"))
    assert page.status_code == 200 and b"<textarea" not in page.content
    refused = client.post(_page(episode, "es"), {"line-1-0": "Hola."})
    assert refused.status_code == 403
    assert "Only writers, producers and owners" in refused.content.decode()
    assert not DialogueTranslation.objects.exists()
    bad = client.get(reverse("generation:translations", args=[episode.pk]),
                     {"language": "klingonese"}, follow=True)  # fmt: skip
    assert "is not a language tag" in bad.content.decode()
    client.force_login(outsider)
    assert client.get(_page(episode, "es")).status_code == 404
    assert client.get(reverse("generation:translations", args=[episode.pk])).status_code == 404
    assert not Export.objects.exists()
