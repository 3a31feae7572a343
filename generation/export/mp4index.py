"""A take's H.264 track read straight from its MP4 sample tables, for the stream-copy path.

Opening a file with PyAV probes its streams (it decodes a frame): 4–17 ms per take on the
shared machine, while copying a take's bytes takes well under 1 ms. The copy path needs no
decoding, only where each sample lies, its times and the track's parameters, which the MP4
index (`moov`) holds. Anything this reader does not understand (fragmented files, several
sample descriptions, no `avc1` track, odd edit lists) gives None, and the caller opens the
take with PyAV as before.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}
HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}
MAX_INDEX_BYTES = 64 * 1024 * 1024  # a take's moov is kilobytes; refuse anything absurd


class NotSimple(Exception):
    """The file is not a plain MP4 with one H.264 track this reader understands."""


@dataclass(slots=True)
class Sample:
    offset: int
    size: int
    dts: int  # in the track's time base, edit list applied (as FFmpeg reports them)
    pts: int
    duration: int
    key: bool


@dataclass(frozen=True)
class TrackIndex:
    """What the copy path needs of a take, without decoding anything."""

    width: int
    height: int
    time_base: Fraction
    rate: Fraction
    pix_fmt: str
    profile: int
    avcc: bytes  # the avcC record: FFmpeg's extradata for H.264 in MP4
    samples: tuple[Sample, ...]
    has_audio: bool

    @property
    def seconds(self) -> float:
        return float(len(self.samples) / self.rate)

    @property
    def parameter_sets(self) -> tuple[list[bytes], list[bytes]]:
        return parse_avcc(self.avcc)


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between start and end."""
    found = []
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise NotSimple("truncated box")
        found.append((kind, at + header, at + size))
        at += size
    return found


def _read_moov(path: Path) -> bytes:
    with path.open("rb") as f:
        while True:
            head = f.read(8)
            if len(head) < 8:
                raise NotSimple("no moov")
            size, kind = struct.unpack(">I4s", head)
            header = 8
            if size == 1:
                (size,) = struct.unpack(">Q", f.read(8))
                header = 16
            if kind == b"moof":
                raise NotSimple("fragmented")
            if kind == b"moov":
                if size > MAX_INDEX_BYTES:
                    raise NotSimple("index too large")
                return (
                    head + (b"" if header == 8 else struct.pack(">Q", size)) + f.read(size - header)
                )
            if size < header:
                raise NotSimple("bad box")
            f.seek(size - header, 1)


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int]:
    for k, s, e in _boxes(data, start, end):
        if k == kind:
            return s, e
    raise NotSimple(f"no {kind!r}")


def _unescape(nal: bytes) -> bytes:
    return nal.replace(b"\x00\x00\x03", b"\x00\x00")


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def bit(self) -> int:
        byte = self.data[self.at // 8]
        value = (byte >> (7 - self.at % 8)) & 1
        self.at += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise NotSimple("bad exp-golomb")
        value = 1
        for _ in range(zeros):
            value = value << 1 | self.bit()
        return value - 1


def parse_avcc(avcc: bytes) -> tuple[list[bytes], list[bytes]]:
    """The SPS and PPS NAL units of an avcC record."""
    try:
        count = avcc[5] & 0x1F
        at, sps = 6, []
        for _ in range(count):
            (size,) = struct.unpack_from(">H", avcc, at)
            sps.append(avcc[at + 2 : at + 2 + size])
            at += 2 + size
        pps = []
        for _ in range(avcc[at]):
            (size,) = struct.unpack_from(">H", avcc, at + 1)
            pps.append(avcc[at + 3 : at + 3 + size])
            at += 2 + size
    except (IndexError, struct.error) as exc:
        raise NotSimple("bad avcC") from exc
    if not sps or not pps:
        raise NotSimple("avcC without parameter sets")
    return sps, pps


def _pix_fmt(sps: bytes) -> str:
    """yuv420p for 8-bit 4:2:0 (what the copy path accepts); anything else by its name."""
    raw = _unescape(sps)
    profile = raw[1]
    if profile not in HIGH_PROFILES:
        return "yuv420p"
    bits = _Bits(raw[4:])
    try:
        bits.ue()  # seq_parameter_set_id
        chroma = bits.ue()
        if chroma == 3:
            bits.bit()
        depth_luma, depth_chroma = bits.ue() + 8, bits.ue() + 8
    except IndexError as exc:
        raise NotSimple("short SPS") from exc
    if chroma == 1 and depth_luma == depth_chroma == 8:
        return "yuv420p"
    return f"chroma{chroma}-{depth_luma}bit"


def _table(data: bytes, start: int, fmt: str, per: int) -> list[tuple[int, ...]]:
    (count,) = struct.unpack_from(">I", data, start + 4)
    return [struct.unpack_from(fmt, data, start + 8 + i * per) for i in range(count)]


def _handler(data: bytes, mdia: tuple[int, int]) -> bytes:
    s, _ = _child(data, *mdia, b"hdlr")
    return data[s + 8 : s + 12]


def read_index(path: Path) -> TrackIndex:
    """The H.264 video track's index of a plain MP4; NotSimple when it is anything else."""
    try:
        data = _read_moov(path)
    except OSError as exc:
        raise NotSimple(str(exc)) from exc
    moov = _child(data, 0, len(data), b"moov")
    video, has_audio = None, False
    for kind, s, e in _boxes(data, *moov):
        if kind != b"trak":
            continue
        mdia = _child(data, s, e, b"mdia")
        handler = _handler(data, mdia)
        if handler == b"soun":
            has_audio = True
        elif handler == b"vide":
            if video is not None:
                raise NotSimple("two video tracks")
            video = (s, e, mdia)
    if video is None:
        raise NotSimple("no video track")
    return _video_track(data, video, has_audio)


def _video_track(
    data: bytes, video: tuple[int, int, tuple[int, int]], has_audio: bool
) -> TrackIndex:
    trak_s, trak_e, mdia = video
    mdhd, _ = _child(data, *mdia, b"mdhd")
    timescale = struct.unpack_from(">I", data, mdhd + (20 if data[mdhd] == 1 else 12))[0]
    stbl = _child(data, *_child(data, *mdia, b"minf"), b"stbl")
    boxes = {k: (s, e) for k, s, e in _boxes(data, *stbl)}
    stsd = boxes.get(b"stsd")
    if stsd is None or struct.unpack_from(">I", data, stsd[0] + 4)[0] != 1:
        raise NotSimple("not one sample description")
    (entry,) = _boxes(data, stsd[0] + 8, stsd[1])
    if entry[0] != b"avc1":
        raise NotSimple(f"sample entry {entry[0]!r}")
    width, height = struct.unpack_from(">HH", data, entry[1] + 24)
    avcc_s, avcc_e = _child(data, entry[1] + 78, entry[2], b"avcC")
    avcc = data[avcc_s:avcc_e]
    sps, _ = parse_avcc(avcc)
    if avcc[4] & 0x03 != 3:
        raise NotSimple("NAL length size is not 4")
    samples = tuple(_samples(data, boxes, _edit_shift(data, trak_s, trak_e, timescale)))
    if not samples:
        raise NotSimple("no samples")
    total = sum(s.duration for s in samples)
    return TrackIndex(
        width=width, height=height, time_base=Fraction(1, timescale),
        rate=Fraction(len(samples) * timescale, total), pix_fmt=_pix_fmt(sps[0]),
        profile=sps[0][1], avcc=avcc, samples=samples, has_audio=has_audio,
    )  # fmt: skip


def _samples(data: bytes, boxes: dict[bytes, tuple[int, int]], shift: int) -> list[Sample]:
    """Every sample's place and times; `shift` is the edit list's start (FFmpeg's zero)."""
    try:
        stsz = boxes[b"stsz"][0]
        stsc = _table(data, boxes[b"stsc"][0], ">III", 12)
        stts = _table(data, boxes[b"stts"][0], ">II", 8)
    except KeyError as exc:
        raise NotSimple("missing sample table") from exc
    fixed, count = struct.unpack_from(">II", data, stsz + 4)
    sizes = [fixed] * count if fixed else list(struct.unpack_from(f">{count}I", data, stsz + 12))
    if b"stco" in boxes:
        chunks = [c[0] for c in _table(data, boxes[b"stco"][0], ">I", 4)]
    elif b"co64" in boxes:
        chunks = [c[0] for c in _table(data, boxes[b"co64"][0], ">Q", 8)]
    else:
        raise NotSimple("no chunk offsets")
    keys = None
    if b"stss" in boxes:
        keys = {k[0] - 1 for k in _table(data, boxes[b"stss"][0], ">I", 4)}
    offsets = _offsets(stsc, chunks, sizes)
    durations = [delta for n, delta in stts for _ in range(n)]
    cts = [0] * count
    if b"ctts" in boxes:
        version = data[boxes[b"ctts"][0]]
        fmt = ">Ii" if version == 1 else ">II"
        cts = [off for n, off in _table(data, boxes[b"ctts"][0], fmt, 8) for _ in range(n)]
    if not (len(offsets) == len(durations) == len(cts) == count):
        raise NotSimple("sample tables disagree")
    out, dts = [], -shift
    for i in range(count):
        out.append(Sample(offsets[i], sizes[i], dts, dts + cts[i], durations[i],
                          keys is None or i in keys))  # fmt: skip
        dts += durations[i]
    return out


def _offsets(stsc: list[tuple[int, ...]], chunks: list[int], sizes: list[int]) -> list[int]:
    offsets: list[int] = []
    sample = 0
    for i, (first, per_chunk, _desc) in enumerate(stsc):
        last = stsc[i + 1][0] - 1 if i + 1 < len(stsc) else len(chunks)
        for chunk in range(first - 1, last):
            at = chunks[chunk]
            for _ in range(per_chunk):
                if sample >= len(sizes):
                    return offsets
                offsets.append(at)
                at += sizes[sample]
                sample += 1
    return offsets


def _edit_shift(data: bytes, trak_s: int, trak_e: int, timescale: int) -> int:
    """The media time the edit list starts at (B-frame delay): FFmpeg starts there at 0."""
    edts = next(((s, e) for k, s, e in _boxes(data, trak_s, trak_e) if k == b"edts"), None)
    if edts is None:
        return 0
    elst = next(((s, e) for k, s, e in _boxes(data, *edts) if k == b"elst"), None)
    if elst is None:
        return 0
    version = data[elst[0]]
    entries = _table(data, elst[0], ">QqHH" if version == 1 else ">IiHH", 20 if version else 12)
    media = [e[1] for e in entries if e[1] != -1]
    if len(media) != 1 or len(entries) - len(media) > 0:
        raise NotSimple("edit list with gaps or several edits")
    return int(media[0])
