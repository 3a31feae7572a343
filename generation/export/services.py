"""Export actions: start (or refuse) an export, run it in a worker, cancel it, tell staleness."""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import av
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from characters.stored_files import local_path, store_file
from generation.export.assemble import ExportCancelled, assemble
from generation.export.cards import card_options, cards_of
from generation.export.fonts import font_file, font_option
from generation.export.handoff import edl_rate, timeline, write_handoff
from generation.export.models import (
    ACTIVE_EXPORT_STATUSES,
    Export,
    ExportKind,
    export_upload_path,
)
from generation.export.picture import Picture
from generation.export.probe import Clip, ExportError
from generation.export.subtitles import write_sidecars
from generation.export.timeline import (
    Shot,
    blocking_scenes,
    fingerprint,
    scenes_to_export,
    shots,
)
from generation.export.translations import episode_languages, language_name, mp4_language
from generation.sound.mix import finish_sound, plan_sound, timed_dialogues
from generation.sound.speech import VoicingFailed
from projects.models import Episode, Membership, Role, Scene

PROGRESS_EVERY_SECONDS = 0.5
ASSEMBLY_SHARE = 95  # percent of the bar; subtitles and files take the rest


class ExportRefused(Exception):
    """A final export cannot start: these scenes have no approved take."""

    def __init__(self, scenes: list[Scene], message: str = "") -> None:
        self.scenes = scenes
        names = ", ".join(f"{s.position}. {s.heading}" for s in scenes)
        super().__init__(
            message or f"Every scene needs an approved take first. Waiting for: {names}."
        )


def may_export(membership: Membership) -> bool:
    """Producers and owners start and cancel exports; every member may watch and download."""
    return membership.role in {Role.OWNER, Role.PRODUCER}


def export_options(
    episode: Episode,
    kind: str,
    *,
    burn_subtitles: bool = False,
    title_card_seconds: int = 0,
    end_card_seconds: int = 0,
) -> dict[str, Any]:
    width, height = episode.project.frame_size
    cards = card_options(episode, title_seconds=title_card_seconds, end_seconds=end_card_seconds)
    return (
        {
            "width": width,
            "height": height,
            "watermark": "DRAFT" if kind == "draft" else "",
            "burn_subtitles": burn_subtitles,
            "languages": episode_languages(episode),
        }
        | cards
        | ({"subtitle_font": font_option(episode.project)} if burn_subtitles else {})
    )


def is_stale(export: Export) -> bool:
    """The episode changed since this export (an approval, a new take, a script or order edit)."""
    return export.fingerprint != fingerprint(export.episode, export.kind, export.options)


def _software() -> dict[str, str]:
    return {
        "comicstudio": _package_version(),
        "pyav": av.__version__,
        "libavformat": ".".join(map(str, av.library_versions["libavformat"])),
        "libavcodec": ".".join(map(str, av.library_versions["libavcodec"])),
    }


def _package_version() -> str:
    try:
        return version("comicstudio")
    except PackageNotFoundError:
        return "unknown"


def start_export(
    *,
    episode: Episode,
    kind: str,
    requested_by: Any,
    burn_subtitles: bool = False,
    title_card_seconds: int = 0,
    end_card_seconds: int = 0,
) -> Export:
    """Create the next numbered export and queue it; a final one waits for every approval.
    `burn_subtitles` also draws the dialogue into the picture; the cards (seconds, 0 for
    none) come before the first and after the last scene. Both mean a re-encode.

    An export of this kind already queued or running is returned instead (a double click)."""
    if not scenes_to_export(episode):
        raise ExportRefused([], "This episode has no scenes to export yet: write its script first.")
    if kind == ExportKind.FINAL and (blockers := blocking_scenes(episode)):
        raise ExportRefused(blockers)
    from generation.export.tasks import build_export  # the task module imports us

    with transaction.atomic():
        Episode.objects.select_for_update().filter(pk=episode.pk).first()
        running = episode.exports.filter(kind=kind, status__in=ACTIVE_EXPORT_STATUSES).first()
        if running is not None:
            return running
        options = export_options(
            episode,
            kind,
            burn_subtitles=burn_subtitles,
            title_card_seconds=title_card_seconds,
            end_card_seconds=end_card_seconds,
        )
        number = (episode.exports.aggregate(n=Max("number"))["n"] or 0) + 1
        export = Export.objects.create(
            episode=episode,
            number=number,
            kind=kind,
            requested_by=requested_by,
            stage="Waiting for a worker",
            fingerprint=fingerprint(episode, kind, options),
            manifest=[asdict(shot) for shot in shots(episode, kind)],
            options=options,
            software=_software(),
        )
        transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


class _Progress:
    """Reports the export's progress to its row at most every half second, with time left."""

    def __init__(self, export: Export, total_seconds: float) -> None:
        self.export, self.total = export, max(total_seconds, 0.001)
        self.began = self.last = time.monotonic()

    def __call__(self, done_seconds: float, stage: str, *, force: bool = False) -> bool:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY_SECONDS:
            return True
        self.last = now
        share = min(done_seconds / self.total, 1.0)
        percent = int(share * ASSEMBLY_SHARE)
        eta = round((now - self.began) * (1 - share) / share) if share > 0.02 else None
        return self.export.record_progress(stage=stage, progress=percent, eta_seconds=eta)


def _clips(manifest: list[dict[str, Any]]) -> list[Clip]:
    clips = []
    for entry in manifest:
        shot = Shot(**entry)
        label = f"Scene {shot.position} ({shot.heading})"
        path = local_path(shot.video_name) if shot.video_name else None
        clips.append(Clip(label=label, heading=shot.heading, path=path,
                          seconds=shot.duration_seconds))  # fmt: skip
    return clips


def run_export(export_id: int) -> str:
    """Build one export (called by its task): 'done', 'busy' (another worker has it) or 'gone'."""
    export = Export.objects.select_related("episode__project").filter(pk=export_id).first()
    if export is None or not export.is_active:
        return "gone"
    stale_after = timedelta(seconds=settings.COMICSTUDIO_EXPORT_STALE_SECONDS)
    if not export.claim(stale_after=stale_after):
        return "busy" if export.is_active else "gone"
    # Made in a private folder of this machine, then stored (the bucket, or MEDIA_ROOT).
    with tempfile.TemporaryDirectory(prefix="comicstudio-export-") as work:
        try:
            _build(export, Path(work))
        except ExportCancelled:
            export.mark_cancelled()
        except (ExportError, VoicingFailed) as exc:
            export.mark_failed(str(exc))
        except Exception as exc:
            export.mark_failed(f"The export stopped unexpectedly ({exc.__class__.__name__}).")
            raise
    return "done"


def _store(export: Export, made: Path) -> str:
    """Store one file the export made, under the export's own folder of the media."""
    return store_file(made, export_upload_path(export, made.name))


def _store_all(
    export: Export, work: Path, outputs: list[tuple[str, str]], tracks: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """Store the outputs: the export's file fields (and the translations' names), and every
    stored name (to delete them again if the export does not end as made)."""
    stem = export.file_name_stem
    files: dict[str, Any] = {}
    stored: list[str] = []
    try:
        for track in tracks:
            for suffix in (track["srt"], track["vtt"]):
                track[suffix[-3:]] = _store(export, work / f"{stem}.{suffix}")
                stored.append(track[suffix[-3:]])
        for field, suffix in outputs:
            files[field] = _store(export, work / f"{stem}.{suffix}")
            stored.append(files[field])
    except BaseException:
        _forget(stored)
        raise
    files["subtitle_tracks"] = tracks
    return files, stored


def _forget(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _build(export: Export, work: Path) -> None:
    clips = _clips(export.manifest)
    title_card, end_card = cards_of(export.options)
    languages = {tag: mp4_language(tag) for tag in export.options.get("languages", [])}
    cards = sum(card.seconds for card in (title_card, end_card) if card)
    progress = _Progress(export, sum(c.seconds for c in clips) + cards)
    stem = export.file_name_stem
    picture = Picture(export.options["width"], export.options["height"], 0,  # type: ignore[arg-type]
                      watermark=export.options.get("watermark", ""),
                      burn_subtitles=export.options.get("burn_subtitles", False),
                      font=font_file(export.options.get("subtitle_font")))  # fmt: skip
    dialogues = [entry["dialogue"] for entry in export.manifest]
    progress(0.0, "Voicing the dialogue", force=True)
    sound = plan_sound(
        export.episode,
        [entry["scene_id"] for entry in export.manifest],
        requested_by=export.requested_by,
    )
    dialogues = timed_dialogues(dialogues, sound)
    assembly = assemble(clips, dialogues, target=work / f"{stem}.mp4", picture=picture,
                        on_progress=progress, title_card=title_card,
                        end_card=end_card, languages=languages)  # fmt: skip
    if not progress(progress.total, "Mixing the sound", force=True):
        raise ExportCancelled
    loudness = finish_sound(work / f"{stem}.mp4", sound, assembly.places)
    # Forced reports look at a cancel even when the picture went faster than the throttle.
    if not progress(progress.total, "Writing subtitles", force=True):
        raise ExportCancelled
    sidecars = [work / f"{stem}.srt", work / f"{stem}.vtt"]
    write_sidecars(assembly.cues, srt=sidecars[0], vtt=sidecars[1])
    outputs = [("video", "mp4"), ("subtitles_srt", "srt"), ("subtitles_vtt", "vtt")]
    tracks: list[dict[str, Any]] = []
    for tag, cues in assembly.translated.items():
        srt, vtt = work / f"{stem}.{tag}.srt", work / f"{stem}.{tag}.vtt"
        write_sidecars(cues, srt=srt, vtt=vtt)
        sidecars += [srt, vtt]
        tracks.append({"language": tag, "name": language_name(tag), "lines": len(cues),
                       "srt": f"{tag}.srt", "vtt": f"{tag}.vtt"})  # fmt: skip
    if export.kind == ExportKind.FINAL:
        if not progress(progress.total, "Packing the editor hand-off", force=True):
            raise ExportCancelled
        title = f"{export.episode.number}. {export.episode.title}"
        shots = [Shot(**entry) for entry in export.manifest]
        cut = timeline(title, shots, assembly.places, assembly.rate)
        edl = timeline(title, shots, assembly.places, edl_rate(assembly.rate))
        write_handoff(work / f"{stem}.zip", cut=cut, edl=edl, clips=clips, shots=shots,
                      sidecars=sidecars)  # fmt: skip
        outputs.append(("handoff", "zip"))
    report = {
        "method": assembly.method,
        "frame_rate": str(assembly.rate),
        "seconds": assembly.chapters[-1][2] if assembly.chapters else 0,
        "boxed": assembly.boxed,
        "reencoded": assembly.reencoded,  # copy path: the takes encoded into the copied track
        "scenes": [list(place) for place in assembly.places],
        "chapters": [list(chapter) for chapter in assembly.chapters],
        "loudness": loudness,
    }
    files, stored = _store_all(export, work, outputs, tracks)
    if not export.mark_succeeded(files=files, report=report):  # cancelled meanwhile
        _forget(stored)


def cancel_export(*, export: Export) -> bool:
    """Stop an export that is queued or running."""
    return export.request_cancel()
