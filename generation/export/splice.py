"""One take re-encoded into a stream-copied episode: only the takes that differ are encoded.

The copied track keeps the first take's H.264 profile, frame and rate. A take of another
size, rate or encoder is decoded, fitted (letter- or pillar-boxed, re-timed) and encoded
with libx264 at that profile and no higher a level; its packets (parameter sets in band)
follow the copied ones. When the encoder's parameters would not fit, the caller falls back
to re-encoding everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

import av

from generation.export.picture import PIXEL_FORMAT, X264_OPTIONS, Picture, PictureWriter

# The x264 settings that make each profile's SPS (profile_idc): 8x8 transforms mark High,
# CABAC Main; Baseline has neither (and ultrafast has no B-frames).
PROFILES = {
    100: ("high", "cabac=1:deblock=1,0,0:8x8dct=1"),
    77: ("main", "cabac=1:deblock=1,0,0:8x8dct=0"),
    66: ("baseline", "cabac=0:deblock=1,0,0:8x8dct=0"),
}
START_CODE = re.compile(b"\\x00\\x00\\x01")


class NotSpliceable(Exception):
    """The encoder cannot make parameters the copied track can carry."""


def annexb_to_avcc(data: bytes) -> tuple[bytes, list[bytes]]:
    """Start-code NAL units as 4-byte length-prefixed ones (as MP4 carries them)."""
    nals = [nal.rstrip(b"\x00") for nal in START_CODE.split(data)]
    nals = [nal for nal in nals if nal]
    return b"".join(len(n).to_bytes(4, "big") + n for n in nals), nals


class SpliceEncoder(PictureWriter):
    """Re-times, fits and encodes one take; hands each packet (AVCC, in the take's 1/rate
    time base, from 0) to `sink`."""

    def __init__(
        self,
        picture: Picture,
        *,
        profile: int,
        level: int,
        sink: Callable[[av.Packet], None],
    ) -> None:
        if profile not in PROFILES:
            raise NotSpliceable(f"profile {profile}")
        name, params = PROFILES[profile]
        self.picture = picture
        self.time_base = Fraction(1) / picture.rate
        self.frames = 0
        self.alpha = None
        self.captions = None
        self._marked = None
        self.profile, self.level, self.sink = profile, level, sink
        codec = av.CodecContext.create("libx264", "w")
        assert isinstance(codec, av.VideoCodecContext)  # noqa: S101
        codec.width, codec.height = picture.width, picture.height
        codec.pix_fmt = PIXEL_FORMAT
        codec.time_base = self.time_base
        codec.framerate = picture.rate
        codec.options = {**X264_OPTIONS, "profile": name, "level": f"{level / 10:.1f}",
                         "x264-params": params}  # fmt: skip
        self.codec = codec
        self.checked = False

    def _encode(self, frame: av.VideoFrame | None) -> None:
        for packet in self.codec.encode(frame):
            data, nals = annexb_to_avcc(bytes(packet))
            if not self.checked:
                self._check(nals)
            out = av.Packet(data)
            out.time_base = self.time_base
            out.pts, out.dts = packet.pts, packet.dts
            out.duration = packet.duration or 1
            out.is_keyframe = packet.is_keyframe
            self.sink(out)

    def _check(self, nals: list[bytes]) -> None:
        sps = next((n for n in nals if n[0] & 0x1F == 7), None)
        if sps is None or sps[1] != self.profile or sps[3] > self.level:
            raise NotSpliceable("the encoder's SPS does not fit the copied track")
        self.checked = True

    def finish(self) -> None:
        self._encode(None)
