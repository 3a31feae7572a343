"""The editor hand-off: a zip with the approved clips, the subtitles and the cut as an
OpenTimelineIO timeline plus a CMX 3600 EDL (written by OTIO's adapter)."""

from __future__ import annotations

import re
import zipfile
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from generation.export.probe import Clip
from generation.export.timeline import Shot


def clip_name(position: int, heading: str, take_number: int | None) -> str:
    """What editors see on a clip: scene number, heading and take."""
    return f"Scene {position:02d} - {heading} - take {take_number}"


def _file_name(position: int, heading: str, take_number: int | None) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", heading).strip("-").lower()[:40] or "scene"
    return f"clips/{position:02d}-{slug}-take{take_number}.mp4"


def edl_rate(rate: Fraction) -> Fraction:
    """EDLs count SMPTE timecode: 12 fps animatics become 24, 15 become 30 (same frames)."""
    for candidate in (Fraction(24), Fraction(25), Fraction(30), Fraction(50), Fraction(60)):
        if candidate % rate == 0:
            return candidate
    return Fraction(24)


def timeline(
    title: str, shots: list[Shot], places: list[tuple[float, float]], rate: Fraction
) -> otio.schema.Timeline:
    """One video track with a clip per scene, each as long as it is in the export."""
    fps = float(rate)
    track = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    for shot, (start, end) in zip(shots, places, strict=True):
        position, heading, take = shot.position, shot.heading, shot.take_number
        frames = round((end - start) * fps)
        available = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(frames, fps)
        )
        track.append(
            otio.schema.Clip(
                name=clip_name(position, heading, take),
                media_reference=otio.schema.ExternalReference(
                    target_url=_file_name(position, heading, take),
                    available_range=available,
                ),
                source_range=available,
            )
        )
    cut = otio.schema.Timeline(name=title)
    cut.tracks.append(track)
    return cut


def write_handoff(
    target: Path,
    *,
    cut: otio.schema.Timeline,
    edl: otio.schema.Timeline,
    clips: list[Clip],
    shots: list[Shot],
    sidecars: list[Path],
) -> None:
    """Write the zip one file at a time (clips are stored, not recompressed)."""
    with zipfile.ZipFile(target, "w") as archive:
        for clip, shot in zip(clips, shots, strict=True):
            assert clip.path is not None  # noqa: S101 — hand-offs are of approved takes
            name = _file_name(shot.position, shot.heading, shot.take_number)
            archive.write(clip.path, name, compress_type=zipfile.ZIP_STORED)
        for path in sidecars:
            archive.write(path, path.name, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("timeline.otio", otio.adapters.write_to_string(cut, "otio_json"))
        archive.writestr("timeline.edl", otio.adapters.write_to_string(edl, "cmx_3600"))
