"""The stream-copy path's picture: the takes' H.264 packets one after the other, read
from the MP4 index where possible; takes that cannot be copied are encoded into the track
(generation/export/splice.py); what may follow what (`matches`)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import cast

import av

from generation.export.mp4index import NotSimple, TrackIndex, parse_avcc, read_index
from generation.export.picture import PIXEL_FORMAT, Picture
from generation.export.probe import Clip, ClipInfo, ExportError
from generation.export.splice import NotSpliceable, SpliceEncoder

MAX_REORDER_FRAMES = 4  # x264 makes at most 2 with B-pyramids; more ends the copy attempt


class NotCopyable(Exception):
    """A take cannot join the copied track: the copy pass stops, everything is re-encoded."""


class CopyWriter:
    """Copies the takes' H.264 packets one after the other, shifting their timestamps.

    A take whose parameter sets (SPS/PPS) differ from the ones in force (another encoder's
    settings, compatible by `_matches`) carries its own in front of its first key frame,
    the way H.264 switches parameters in a stream; decoders reset there (each take starts
    with an IDR frame)."""

    def __init__(
        self, container: av.container.OutputContainer, template: av.VideoStream, rate: Fraction
    ) -> None:
        self.container = container
        # Decode times run this far behind presentation in every take, whatever its own
        # B-frame delay: then they never go back where one take meets the next.
        self.delay = Fraction(MAX_REORDER_FRAMES) / rate
        self.stream = container.add_stream_from_template(template)
        # An MP4 track without the default flag is written disabled: players skip it.
        self.stream.disposition = av.stream.Disposition.default
        self.end = Fraction(0)
        self.active = bytes(template.codec_context.extradata or b"")
        self.template_avcc = self.active

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

    def _dts_shift(self, time_base: Fraction, start: int, first_dts: int) -> int:
        """How much further back this take's decode times go (see `delay`)."""
        own = start - first_dts  # the take's own reorder delay, in its ticks
        wanted = round(self.delay / time_base)
        if own > wanted:
            raise NotCopyable  # more than a copied track allows: everything is re-encoded
        return wanted - own

    def add_take(
        self, source: av.container.InputContainer, info: ClipInfo, on_frame: Callable[[], None]
    ) -> None:
        stream = source.streams.video[0]
        time_base = stream.time_base or Fraction(1, 90_000)
        frame_ticks = round(1 / (info.rate * time_base))
        shift = round(self.end / time_base) - (stream.start_time or 0)
        prefix = self._in_band(info.extradata)
        last = 0
        back: int | None = None
        for packet in source.demux(stream):
            pts, dts = packet.pts, packet.dts
            if dts is None or pts is None:
                continue
            if back is None:
                back = self._dts_shift(cast(Fraction, time_base), stream.start_time or 0, dts)
            if prefix:
                packet = _prefixed(packet, prefix)
                prefix = b""
            packet.pts, packet.dts = pts + shift, dts + shift - back
            last = max(last, pts + shift + (packet.duration or frame_ticks))
            packet.stream = self.stream
            self.container.mux(packet)
            on_frame()
        self.end = Fraction(last) * time_base

    def add_indexed(self, path: Path, index: TrackIndex, on_frame: Callable[[], None]) -> None:
        """Copy a take read from its MP4 index: no probing, the samples read in file order."""
        time_base = index.time_base
        start = min(s.pts for s in index.samples[:16])
        shift = round(self.end / time_base) - start
        back = self._dts_shift(time_base, start, index.samples[0].dts)
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
                packet.pts, packet.dts = sample.pts + shift, sample.dts + shift - back
                packet.duration = sample.duration
                packet.is_keyframe = sample.key
                last = max(last, packet.pts + sample.duration)
                packet.stream = self.stream
                self.container.mux(packet)
                on_frame()
        self.end = Fraction(last) * time_base

    def add_spliced(
        self, clip: Clip, info: ClipInfo, picture: Picture, on_frame: Callable[[], None]
    ) -> None:
        """Re-encode a take that cannot be copied into this track (another frame, rate or
        encoder); its packets follow the copied ones. NotSpliceable: the caller re-encodes
        everything instead."""
        profile, level = self.template_avcc[1], self.template_avcc[3]
        offset = round(self.end * picture.rate)
        back = round(self.delay * picture.rate)  # the encoder makes no B-frames: dts = pts
        last = offset

        def mux(packet: av.Packet) -> None:
            nonlocal last
            assert packet.pts is not None and packet.dts is not None  # noqa: S101
            packet.pts += offset
            packet.dts += offset - back
            last = max(last, packet.pts + (packet.duration or 1))
            packet.stream = self.stream
            self.container.mux(packet)

        encoder = SpliceEncoder(picture, profile=profile, level=level, sink=mux)
        encoder.add_take(clip, info, on_frame)
        encoder.finish()
        self.active = b""  # its parameter sets were in band: the next take brings its own
        self.end = Fraction(last) / picture.rate

    def finish(self) -> None:
        return None


def _prefixed(packet: av.Packet, prefix: bytes) -> av.Packet:
    copy = av.Packet(prefix + bytes(packet))
    copy.time_base = packet.time_base
    copy.pts, copy.dts, copy.duration = packet.pts, packet.dts, packet.duration
    copy.is_keyframe = packet.is_keyframe
    return copy


def matches(info: ClipInfo, first: ClipInfo, picture: Picture) -> bool:
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


def splice(
    video: CopyWriter, clip: Clip, info: ClipInfo, picture: Picture, tick: Callable[[], None]
) -> None:
    """Re-encode only this take into the copied track; a take of a higher frame rate (it
    would lose frames) or an encoder that cannot match the track ends the copy attempt."""
    if info.rate > picture.rate:
        raise NotCopyable
    try:
        video.add_spliced(clip, info, picture, tick)
    except NotSpliceable as exc:
        raise NotCopyable from exc


def index_of(clip: Clip) -> TrackIndex | None:
    """A silent take's index read from its MP4 (None: open it with PyAV instead)."""
    if clip.path is None:
        return None
    try:
        index = read_index(clip.path)
    except NotSimple:
        return None
    return None if index.has_audio else index


def info_of(index: TrackIndex) -> ClipInfo:
    return ClipInfo(width=index.width, height=index.height, rate=index.rate,
                    seconds=index.seconds, codec="h264", pix_fmt=index.pix_fmt,
                    extradata=index.avcc, has_audio=False)  # fmt: skip
