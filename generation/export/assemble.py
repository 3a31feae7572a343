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

from generation.export.mp4index import NotSimple, TrackIndex, parse_avcc, read_index
from generation.export.picture import PIXEL_FORMAT, Card, Picture, PictureWriter, boxed
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


class CopyWriter:
    """Copies the takes' H.264 packets one after the other, shifting their timestamps.

    A take whose parameter sets (SPS/PPS) differ from the ones in force (another encoder's
    settings, compatible by `_matches`) carries its own in front of its first key frame,
    the way H.264 switches parameters in a stream; decoders reset there (each take starts
    with an IDR frame)."""

    def __init__(self, container: av.container.OutputContainer, template: av.VideoStream) -> None:
        self.container = container
        self.stream = container.add_stream_from_template(template)
        # An MP4 track without the default flag is written disabled: players skip it.
        self.stream.disposition = av.stream.Disposition.default
        self.end = Fraction(0)
        self.active = bytes(template.codec_context.extradata or b"")
        self.switched: list[int] = []  # indices of the takes that carried their own SPS/PPS

    @property
    def seconds(self) -> float:
        return float(self.end)

    def _in_band(self, avcc: bytes) -> bytes:
        """The take's parameter sets as length-prefixed NAL units, when they change."""
        if avcc == self.active:
            return b""
        self.active = avcc
        sps, pps = parse_avcc(avcc)
        return b"".join(len(nal).to_bytes(4, "big") + nal for nal in (*sps, *pps))

    def add_take(
        self, source: av.container.InputContainer, info: ClipInfo, on_frame: Callable[[], None]
    ) -> None:
        stream = source.streams.video[0]
        time_base = stream.time_base or Fraction(1, 90_000)
        frame_ticks = round(1 / (info.rate * time_base))
        shift = round(self.end / time_base) - (stream.start_time or 0)
        prefix = self._in_band(info.extradata)
        last = 0
        for packet in source.demux(stream):
            pts, dts = packet.pts, packet.dts
            if dts is None or pts is None:
                continue
            if prefix:
                packet = _prefixed(packet, prefix)
                prefix = b""
            packet.pts, packet.dts = pts + shift, dts + shift
            last = max(last, pts + shift + (packet.duration or frame_ticks))
            packet.stream = self.stream
            self.container.mux(packet)
            on_frame()
        self.end = Fraction(last) * time_base

    def add_indexed(self, path: Path, index: TrackIndex, on_frame: Callable[[], None]) -> None:
        """Copy a take read from its MP4 index: no probing, the samples read in file order."""
        time_base = index.time_base
        shift = round(self.end / time_base) - min(s.pts for s in index.samples[:16])
        prefix = self._in_band(index.avcc)
        last = 0
        with path.open("rb") as f:
            for sample in index.samples:
                f.seek(sample.offset)
                data = f.read(sample.size)
                if len(data) != sample.size:
                    raise ExportError(f"{path.name}: the take's video file is cut short.")
                packet = av.Packet(prefix + data)
                prefix = b""
                packet.time_base = time_base
                packet.pts, packet.dts = sample.pts + shift, sample.dts + shift
                packet.duration = sample.duration
                packet.is_keyframe = sample.key
                last = max(last, packet.pts + sample.duration)
                packet.stream = self.stream
                self.container.mux(packet)
                on_frame()
        self.end = Fraction(last) * time_base

    def finish(self) -> None:
        return None


def _prefixed(packet: av.Packet, prefix: bytes) -> av.Packet:
    copy = av.Packet(prefix + bytes(packet))
    copy.time_base = packet.time_base
    copy.pts, copy.dts, copy.duration = packet.pts, packet.dts, packet.duration
    copy.is_keyframe = packet.is_keyframe
    return copy


def _matches(info: ClipInfo, first: ClipInfo, picture: Picture) -> bool:
    """May this take's packets follow the first take's in one H.264 track?

    Same frame, pixel format and rate; parameter sets identical, or from other encoder
    settings of the same profile at no higher a level (they travel in band, see CopyWriter).
    """
    return (
        info.codec == "h264"
        and (info.width, info.height) == (picture.width, picture.height)
        and info.pix_fmt == PIXEL_FORMAT
        and info.rate == picture.rate
        and _compatible_parameters(info.extradata, first.extradata)
    )


def _compatible_parameters(avcc: bytes, first: bytes) -> bool:
    if avcc == first:
        return True
    if len(avcc) < 6 or len(first) < 6 or avcc[0] != 1 or first[0] != 1:
        return False  # not an avcC record (Annex B extradata): only identical ones copy
    same_profile = avcc[1] == first[1] and avcc[2] == first[2]
    try:
        parse_avcc(avcc)
    except NotSimple:
        return False
    return same_profile and avcc[3] <= first[3] and avcc[4] & 3 == first[4] & 3 == 3


def choose_rate(infos: list[ClipInfo]) -> Fraction:
    """The highest frame rate among the takes (no take loses frames), at most 60."""
    return min(max((i.rate for i in infos), default=DEFAULT_RATE), MAX_RATE)


def _index_of(clip: Clip) -> TrackIndex | None:
    """A silent take's index read from its MP4 (None: open it with PyAV instead)."""
    if clip.path is None:
        return None
    try:
        index = read_index(clip.path)
    except NotSimple:
        return None
    return None if index.has_audio else index


def _info_of(index: TrackIndex) -> ClipInfo:
    return ClipInfo(width=index.width, height=index.height, rate=index.rate,
                    seconds=index.seconds, codec="h264", pix_fmt=index.pix_fmt,
                    extradata=index.avcc, has_audio=False)  # fmt: skip


class _NotCopyable(Exception):
    """A take differs from the first: the copy pass stops, everything is re-encoded."""


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
                except _NotCopyable:
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
            if not _matches(first_info, first_info, picture) or picture.rate > MAX_RATE:
                first.close()
                raise _NotCopyable
            video = CopyWriter(out, first.streams.video[0])
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

            indexed = _index_of(clip) if isinstance(video, CopyWriter) and index else None
            if isinstance(video, CopyWriter) and indexed is not None:
                # A silent take read from its MP4 index: copied without opening it with PyAV.
                assert clip.path is not None  # noqa: S101 — copy plans have no slates
                if not _matches(_info_of(indexed), first_info, picture):
                    raise _NotCopyable
                video.add_indexed(clip.path, indexed, tick)
                end = video.seconds
            elif isinstance(video, CopyWriter):
                source = first if index == 0 and first is not None else open_take(clip)
                with source:
                    copied = read_info(clip, source)
                    if not _matches(copied, first_info, picture):
                        raise _NotCopyable
                    if copied.has_audio and plan.silent:
                        raise _NeedsSound
                    video.add_take(source, copied, tick)
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
