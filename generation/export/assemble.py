"""Assembling the episode's MP4 from its clips with PyAV: the picture stream-copied when
every take already matches, re-encoded otherwise; sound, soft subtitles and chapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from generation.export.copying import CopyWriter, NotCopyable, index_of, info_of, matches, splice
from generation.export.picture import Card, Picture, PictureWriter, boxed
from generation.export.probe import Clip, ClipInfo, ExportError, open_take, probe, read_info
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
    reencoded: list[str] = field(default_factory=list)  # takes encoded into a copied track


def choose_rate(infos: list[ClipInfo]) -> Fraction:
    """The highest frame rate among the takes (no take loses frames), at most 60."""
    return min(max((i.rate for i in infos), default=DEFAULT_RATE), MAX_RATE)


class _NeedsSound(Exception):
    """The copy pass began with a silent track, then met a take with sound."""


@dataclass
class _Plan:
    """How the episode is written: copied (takes opened one by one as they are copied) or
    re-encoded (every take probed first, to choose the frame rate)."""

    picture: Picture
    copy: bool
    silent: bool
    infos: list[ClipInfo | None] = field(default_factory=list)


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
    code) are the translations, each its own soft subtitle track after the original's.

    When nothing asks for a re-encode, the picture is first tried as a stream copy in one
    pass (each take opened once); a take that does not match the first ends that attempt."""
    on_progress(0.0, "Checking the takes")
    cards = (title_card, end_card)
    write = partial(_write, clips, dialogues, target=target, on_progress=on_progress,
                    cards=cards, languages=languages or {})  # fmt: skip
    if not picture.watermark and not picture.burn_subtitles and cards == (None, None):
        if all(clip.path for clip in clips):
            for silent in (True, False):
                try:
                    return write(_Plan(picture=picture, copy=True, silent=silent))
                except _NeedsSound:
                    continue  # once more, with a sound track that is encoded
                except NotCopyable:
                    break
            target.unlink(missing_ok=True)
    infos = [probe(clip) if clip.path else None for clip in clips]
    known = [i for i in infos if i is not None]
    picture = replace(picture, rate=choose_rate(known))
    silent = not any(i.has_audio for i in known)
    return write(_Plan(picture=picture, copy=False, silent=silent, infos=infos))


def _write(
    clips: list[Clip],
    dialogues: list[list[dict[str, Any]]],
    plan: _Plan,
    *,
    target: Path,
    on_progress: Callable[[float, str], bool],
    cards: tuple[Card | None, Card | None],
    languages: dict[str, str],
) -> Assembly:
    picture = plan.picture
    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video: CopyWriter | PictureWriter
        first: av.container.InputContainer | None = None
        if plan.copy:
            first = open_take(clips[0])
            first_info = read_info(clips[0], first)
            picture = replace(picture, rate=first_info.rate)
            if first_info.has_audio and plan.silent:
                first.close()
                raise _NeedsSound
            if not matches(first_info, first_info, picture) or picture.rate > MAX_RATE:
                first.close()
                raise NotCopyable
            video = CopyWriter(out, first.streams.video[0], first_info.rate)
        else:
            video = PictureWriter(out, picture)
        result = Assembly(method="copy" if plan.copy else "reencode", rate=picture.rate)
        sound = SoundWriter(out, silent=plan.silent)
        text = out.add_mux_stream("mov_text")
        text.time_base = MS
        tracks = {}
        for tag, code in languages.items():
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

        card(cards[0])
        for index, clip in enumerate(clips):
            stage = f"Scene {index + 1} of {len(clips)}"
            start = video.seconds

            def tick(stage: str = stage) -> None:
                if not on_progress(video.seconds, stage):
                    raise ExportCancelled

            indexed = index_of(clip) if isinstance(video, CopyWriter) and index else None
            if (
                isinstance(video, CopyWriter)
                and indexed is not None
                and matches(info_of(indexed), first_info, picture)
            ):
                # A silent take read from its MP4 index: copied without opening it with PyAV.
                assert clip.path is not None  # noqa: S101 — copy plans have no slates
                video.add_indexed(clip.path, indexed, tick)
                end = video.seconds
            elif isinstance(video, CopyWriter):
                source = first if index == 0 and first is not None else open_take(clip)
                with source:
                    copied = read_info(clip, source)
                    if copied.has_audio and plan.silent:
                        raise _NeedsSound
                    if matches(copied, first_info, picture):
                        video.add_take(source, copied, tick)
                    else:
                        splice(video, clip, copied, picture, tick)
                        result.reencoded.append(clip.label)
                        if boxed(copied, picture):
                            result.boxed.append(clip.label)
                    end = video.seconds
                    if copied.has_audio:
                        sound.add_take_sound(clip, end, source)
            else:
                info = plan.infos[index]
                if video.captions is not None:
                    # Burned subtitles are drawn while the scene is encoded: time them first.
                    length = video.frames_for(info.seconds if info else clip.seconds)
                    until = start + float(length / picture.rate)
                    video.captions.add(scene_cues(dialogues[index], start=start, end=until))
                if info is None:
                    video.add_slate(clip, tick)  # drafts only
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
        card(cards[1])
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
