"""The export's sound: AAC stereo at 48 kHz, each take's audio resampled and cut or padded
with silence to the take's place in the picture, so the streams never drift apart."""

from __future__ import annotations

from contextlib import nullcontext
from fractions import Fraction

import av
import numpy as np

from generation.export.probe import Clip, ExportError

RATE = 48_000
LAYOUT = "stereo"
FORMAT = "fltp"
CHANNELS = 2
FRAME_SAMPLES = 1024  # one AAC-LC frame


def _frame(samples: np.ndarray) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format=FORMAT, layout=LAYOUT)
    frame.sample_rate = RATE
    return frame


def _silent_packet() -> bytes:
    """One AAC frame of digital silence from an encoder set up like the export's own.

    Every frame of silence after the encoder's first ones is the same bytes, and AAC frames
    of silence overlap only with silence: an all-silent sound track (animatic takes) is
    this packet repeated, not minutes of silence run through the encoder."""
    encoder = av.CodecContext.create("aac", "w")
    encoder.sample_rate, encoder.layout, encoder.format = RATE, LAYOUT, FORMAT  # type: ignore[attr-defined]
    encoder.open()
    packets = []
    for index in range(4):
        frame = _frame(np.zeros((CHANNELS, FRAME_SAMPLES), dtype=np.float32))
        frame.pts = index * FRAME_SAMPLES
        packets += encoder.encode(frame)  # type: ignore[arg-type]
    return bytes(packets[-1])


SAMPLE = Fraction(1, RATE)  # made once: a Fraction per packet adds up over an episode


class SoundWriter:
    """Encodes the sound of every clip in turn; `fill_to` ends each clip at the picture's time.

    `silent` (no take has sound): the track is made of copies of one silent AAC frame."""

    def __init__(self, container: av.container.OutputContainer, *, silent: bool = False) -> None:
        self.container = container
        self.stream = container.add_stream("aac", rate=RATE, layout=LAYOUT)
        self.stream.codec_context.time_base = Fraction(1, RATE)
        self.fifo = av.AudioFifo()
        self.queued = 0  # samples written into the fifo so far (the sound's length)
        self.encoded = 0
        self.silence = _silent_packet() if silent else b""

    def add_take_sound(
        self,
        clip: Clip,
        until_seconds: float,
        opened: av.container.InputContainer | None = None,
    ) -> None:
        """The take's own audio, cut at `until_seconds` on the episode's clock (read from
        `opened`, rewound, when the take is open already)."""
        limit = round(until_seconds * RATE)
        assert clip.path is not None  # noqa: S101
        resampler = av.AudioResampler(format=FORMAT, layout=LAYOUT, rate=RATE)
        try:
            with nullcontext(opened) if opened else av.open(str(clip.path)) as source:
                if opened is not None:
                    source.seek(0)
                for frame in source.decode(source.streams.audio[0]):
                    for out in resampler.resample(frame):
                        self._queue(out.to_ndarray(), limit)
                for out in resampler.resample(None):
                    self._queue(out.to_ndarray(), limit)
        except av.FFmpegError as exc:
            raise ExportError(f"{clip.label}: the take's sound cannot be decoded ({exc}).") from exc

    def fill_to(self, until_seconds: float) -> None:
        """Silence up to `until_seconds` (a silent take, or a take whose sound is short)."""
        if self.silence:
            self.queued = round(until_seconds * RATE)
            return self._copy_silence(final=False)
        missing = round(until_seconds * RATE) - self.queued
        while missing > 0:
            chunk = min(missing, RATE)
            self._queue(np.zeros((CHANNELS, chunk), dtype=np.float32), self.queued + chunk)
            missing -= chunk

    def _queue(self, samples: np.ndarray, limit: int) -> None:
        room = limit - self.queued
        if room <= 0:
            return
        samples = samples[:, :room]
        self.fifo.write(_frame(samples))
        self.queued += samples.shape[1]
        self._encode_ready()

    def _encode_ready(self, *, final: bool = False) -> None:
        size = self.stream.codec_context.frame_size or FRAME_SAMPLES
        while self.fifo.samples >= size or (final and self.fifo.samples):
            frame = self.fifo.read(min(size, self.fifo.samples))
            assert frame is not None  # noqa: S101
            frame.pts = self.encoded
            frame.time_base = SAMPLE
            self.encoded += frame.samples
            self.container.mux(self.stream.encode(frame))

    def _copy_silence(self, *, final: bool) -> None:
        whole, rest = divmod(self.queued - self.encoded, FRAME_SAMPLES)
        starts = range(self.encoded, self.encoded + whole * FRAME_SAMPLES, FRAME_SAMPLES)
        packets = [self._silent_at(start, FRAME_SAMPLES) for start in starts]
        self.encoded += whole * FRAME_SAMPLES
        if final and rest > 0:
            packets.append(self._silent_at(self.encoded, rest))
            self.encoded += rest
        if packets:
            self.container.mux(packets)  # one call per scene: the per-packet cost is Python's

    def _silent_at(self, start: int, duration: int) -> av.Packet:
        packet = av.Packet(self.silence)
        packet.stream = self.stream
        packet.time_base = SAMPLE
        packet.pts = packet.dts = start
        packet.duration = duration
        return packet

    def finish(self) -> None:
        if self.silence:
            return self._copy_silence(final=True)
        self._encode_ready(final=True)
        self.container.mux(self.stream.encode(None))
