"""Assembling the episode's MP4 from its clips with PyAV: the picture stream-copied when
every take already matches, re-encoded otherwise; sound, soft subtitles and chapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from generation.export.picture import PIXEL_FORMAT, Card, Picture, PictureWriter, boxed
from generation.export.probe import Clip, ClipInfo, ExportError, probe
from generation.export.sound import SoundWriter
from generation.export.subtitles import Cue, mov_text_sample, scene_cues, translated_cues

if TYPE_CHECKING:
    from av.container.core import Chapter  # a TypedDict of the stubs only

MAX_RATE = Fraction(60)
DEFAULT_RATE = Fraction(24)
MS = Fraction(1, 1000)


class ExportCancelled(Exception):
    """Someone cancelled the export while it ran."""


@dataclass
class Assembly:
    method: str  # "copy" or "reencode"
    rate: Fraction
    places: list[tuple[float, float]] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    boxed: list[str] = field(default_factory=list)
    # (title, start, end) of every chapter: the scenes, and the cards around them.
    chapters: list[tuple[str, float, float]] = field(default_factory=list)
    translated: dict[str, list[Cue]] = field(default_factory=dict)  # by language tag


class CopyWriter:
    """Copies the takes' H.264 packets one after the other, shifting their timestamps."""

    def __init__(self, container: av.container.OutputContainer, template: Path) -> None:
        self.container = container
        with av.open(str(template)) as source:
            self.stream = container.add_stream_from_template(source.streams.video[0])
        # An MP4 track without the default flag is written disabled: players skip it.
        self.stream.disposition = av.stream.Disposition.default
        self.end = Fraction(0)

    @property
    def seconds(self) -> float:
        return float(self.end)

    def add_take(self, clip: Clip, info: ClipInfo, on_frame: Callable[[], None]) -> None:
        assert clip.path is not None  # noqa: S101
        with av.open(str(clip.path)) as source:
            stream = source.streams.video[0]
            time_base = stream.time_base or Fraction(1, 90_000)
            frame_ticks = round(1 / (info.rate * time_base))
            shift = round(self.end / time_base) - (stream.start_time or 0)
            last = 0
            for packet in source.demux(stream):
                if packet.dts is None or packet.pts is None:
                    continue
                packet.pts += shift
                packet.dts += shift
                last = max(last, packet.pts + (packet.duration or frame_ticks))
                packet.stream = self.stream
                self.container.mux(packet)
                on_frame()
        self.end = Fraction(last) * time_base

    def finish(self) -> None:
        return None


def _matches(info: ClipInfo, first: ClipInfo, picture: Picture) -> bool:
    return (
        info.codec == "h264"
        and (info.width, info.height) == (picture.width, picture.height)
        and info.pix_fmt == PIXEL_FORMAT
        and info.rate == picture.rate
        and info.extradata == first.extradata
    )


def choose_rate(infos: list[ClipInfo]) -> Fraction:
    """The highest frame rate among the takes (no take loses frames), at most 60."""
    return min(max((i.rate for i in infos), default=DEFAULT_RATE), MAX_RATE)


def assemble(
    clips: list[Clip],
    dialogues: list[list[dict[str, Any]]],
    *,
    target: Path,
    picture: Picture,
    on_progress: Callable[[float, str], bool],
    title_card: Card | None = None,
    end_card: Card | None = None,
    languages: dict[str, str] | None = None,
) -> Assembly:
    """Write the episode to `target`, between its cards if it has them;
    `on_progress(seconds_done, stage)` returns False to stop. `languages` (tag: MP4 language
    code) are the translations, each its own soft subtitle track after the original's."""
    on_progress(0.0, "Checking the takes")
    infos = [probe(clip) if clip.path else None for clip in clips]
    known = [i for i in infos if i is not None]
    picture = replace(picture, rate=choose_rate(known))
    copy = (
        not picture.watermark
        and not picture.burn_subtitles
        and title_card is None
        and end_card is None
        and len(known) == len(clips)
        and all(_matches(i, known[0], picture) for i in known)
    )
    result = Assembly(method="copy" if copy else "reencode", rate=picture.rate)
    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video: CopyWriter | PictureWriter = PictureWriter(out, picture)
        if copy and clips[0].path:
            video = CopyWriter(out, clips[0].path)
        sound = SoundWriter(out, silent=not any(i.has_audio for i in known))
        text = out.add_mux_stream("mov_text")
        text.time_base = MS
        tracks = {}
        for tag, code in (languages or {}).items():
            tracks[tag] = out.add_mux_stream("mov_text")
            tracks[tag].time_base = MS
            tracks[tag].metadata["language"] = code
            result.translated[tag] = []

        def card(card: Card | None) -> None:
            if card is None:
                return
            assert isinstance(video, PictureWriter)  # noqa: S101 — cards are re-encoded
            start = video.seconds
            video.add_card(card, lambda: None)
            sound.fill_to(video.seconds)
            result.chapters.append((card.name, start, video.seconds))
            if not on_progress(video.seconds, card.name):
                raise ExportCancelled

        card(title_card)
        for index, (clip, info) in enumerate(zip(clips, infos, strict=True)):
            stage = f"Scene {index + 1} of {len(clips)}"
            start = video.seconds

            def tick(stage: str = stage) -> None:
                if not on_progress(video.seconds, stage):
                    raise ExportCancelled

            if isinstance(video, PictureWriter) and video.captions is not None:
                # Burned subtitles are drawn while the scene is encoded: time them first.
                length = video.frames_for(info.seconds if info else clip.seconds)
                until = start + float(length / picture.rate)
                video.captions.add(scene_cues(dialogues[index], start=start, end=until))
            if info is None:
                assert isinstance(video, PictureWriter)  # noqa: S101 — slates only in drafts
                video.add_slate(clip, tick)
            else:
                video.add_take(clip, info, tick)
                if boxed(info, picture):
                    result.boxed.append(clip.label)
            end = video.seconds
            if info is not None and info.has_audio:
                sound.add_take_sound(clip, end)
            sound.fill_to(end)
            cues = scene_cues(dialogues[index], start=start, end=end)
            for cue in cues:
                _mux_cue(out, text, cue)
            result.places.append((start, end))
            result.chapters.append((clip.heading, start, end))
            result.cues.extend(cues)
            for tag, track in tracks.items():
                translated = translated_cues(cues, dialogues[index], tag)
                for cue in translated:
                    _mux_cue(out, track, cue)
                result.translated[tag].extend(translated)
        card(end_card)
        video.finish()
        sound.finish()
        out.set_chapters(_chapters(result.chapters))
    return result


def _mux_cue(out: av.container.OutputContainer, stream: av.stream.Stream, cue: Cue) -> None:
    packet = av.Packet(mov_text_sample(cue.text))
    packet.stream = stream
    packet.time_base = MS
    packet.pts = packet.dts = round(cue.start * 1000)
    packet.duration = round((cue.end - cue.start) * 1000)
    out.mux(packet)


def _chapters(chapters: list[tuple[str, float, float]]) -> list[Chapter]:
    return [
        {
            "id": index + 1,
            "start": round(start * 1000),
            "end": round(end * 1000),
            "time_base": MS,  # type: ignore[typeddict-item]  # a Fraction is what PyAV reads
            "metadata": {"title": title},
        }
        for index, (title, start, end) in enumerate(chapters)
    ]


__all__ = ["Assembly", "ExportCancelled", "ExportError", "assemble"]
