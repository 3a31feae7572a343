"""Loudness in two passes: measure (FFmpeg's EBU R 128 meter, `ebur128`, through PyAV),
then apply (a gain to the target, and FFmpeg's `alimiter` where the gain would push the
true peak over the ceiling), then measure again to report what was delivered."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.filter import Graph

RATE = 48_000
CEILING_DBTP = -1.0  # the delivered true peak stays at or under this
# AAC encoding can lift peaks a little: the mix is limited a little lower than the ceiling.
LIMIT_DBTP = -2.0
SILENT_LUFS = -70.0  # the meter's floor: nothing to normalise
CHUNK = 4800


@dataclass(frozen=True)
class Measure:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def _run(samples: np.ndarray, name: str, args: str) -> tuple[np.ndarray, dict[str, str]]:
    """Run one FFmpeg audio filter over stereo float samples; (output, last frame metadata)."""
    graph = Graph()
    source = graph.add_abuffer(format="fltp", sample_rate=RATE, layout="stereo",
                               time_base=Fraction(1, RATE))  # fmt: skip
    node = graph.add(name, args)
    # Some filters answer in another sample format (alimiter: packed doubles): convert back.
    convert = graph.add("aformat", "sample_fmts=fltp:channel_layouts=stereo")
    sink = graph.add("abuffersink")
    source.link_to(node)
    node.link_to(convert)
    convert.link_to(sink)
    graph.configure()
    out: list[np.ndarray] = []
    metadata: dict[str, str] = {}

    def drain() -> None:
        while True:
            try:
                frame = sink.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            assert isinstance(frame, av.AudioFrame)  # noqa: S101 — an audio graph
            out.append(frame.to_ndarray())
            metadata.update(frame.metadata)

    for begin in range(0, samples.shape[1], CHUNK):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples[:, begin : begin + CHUNK]), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.pts, frame.time_base = RATE, begin, Fraction(1, RATE)
        source.push(frame)
        drain()
    source.push(None)
    drain()
    result = np.concatenate(out, axis=1) if out else np.zeros((2, 0), np.float32)
    return result[:, : samples.shape[1]], metadata


def measure(samples: np.ndarray) -> Measure:
    """Integrated loudness (ITU-R BS.1770 as EBU R 128 meters it) and true peak."""
    if samples.shape[1] == 0:
        return Measure(SILENT_LUFS, -math.inf)
    _, meta = _run(samples, "ebur128", "metadata=1:peak=true")
    peak = float(meta.get("lavfi.r128.true_peak", "0") or 0)
    peak_db = 20 * math.log10(peak) if peak > 0 else -math.inf
    return Measure(float(meta.get("lavfi.r128.I", SILENT_LUFS)), peak_db)


def _limit(samples: np.ndarray, ceiling_db: float) -> np.ndarray:
    level = 10 ** (ceiling_db / 20)
    # 4 ms look-ahead attack, quick release; `level=0`: no make-up gain after limiting.
    limited, _ = _run(samples, "alimiter", f"limit={level:.5f}:attack=4:release=40:level=0")
    return limited


def normalise(samples: np.ndarray, target_lufs: float) -> tuple[np.ndarray, Measure, Measure]:
    """The samples at `target_lufs` with their true peak under the ceiling; (samples, before,
    after). Silence stays silence. Each pass measures once: the measure after one pass is the
    next pass's starting point (and the delivered figures)."""
    before = now = measure(samples)
    if before.integrated <= SILENT_LUFS + 1:
        return samples, before, before
    result = samples
    for _ in range(3):  # limiting lowers the loudness a little: a small correction or two
        gain = target_lufs - now.integrated
        if abs(gain) < 0.2 and now.true_peak <= LIMIT_DBTP:
            break
        result = (result * np.float32(10 ** (gain / 20))).astype(np.float32)
        if now.true_peak + gain > LIMIT_DBTP:
            result = _limit(result, LIMIT_DBTP - 0.5)
        now = measure(result)
    return result, before, now
