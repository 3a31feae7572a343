"""Benchmark the local continuity check: python bench/continuity.py (no Django needed).

Renders the demo robot with the animatic at 720x1280 for 4, 8 and 12 s, then times what
the check task does per take without the judge: sampling frames with PyAV and scoring
the palette against the robot's reference (and against a recoloured one, to print the
gap the check sees). Wall and CPU time; the machine may be shared: the load is printed.
"""

from __future__ import annotations

import io
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from PIL import Image, ImageOps  # noqa: E402

from comicstudio.demo_art import robot_chef  # noqa: E402
from generation.animatic_render import AnimaticSpec, render_animatic  # noqa: E402
from generation.continuity.frames import sample_frames  # noqa: E402
from generation.continuity.palette import palette_score  # noqa: E402


def main() -> None:
    """Print frames sampled, time to sample and score, and the right/wrong scores per length."""
    reference = Image.open(io.BytesIO(robot_chef())).convert("RGB")
    recoloured = ImageOps.colorize(ImageOps.grayscale(reference), (0, 0, 90), (235, 234, 228))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        robot = pathlib.Path(tmp) / "robot.png"
        robot.write_bytes(robot_chef())
        for seconds in (4, 8, 12):
            spec = AnimaticSpec(
                "INT. KITCHEN - DAY", "Hana waves.", (), seconds, 720, 1280,
                cast=("Hana",), portraits=(("Hana", str(robot)),), camera="static",
            )  # fmt: skip
            video = pathlib.Path(tmp) / f"clip_{seconds}.mp4"
            render_animatic(spec, video_path=video, thumbnail_path=video.with_suffix(".jpg"))
            start, cpu = time.perf_counter(), time.process_time()
            with video.open("rb") as stream:
                frames = [image for _, image in sample_frames(stream)]
            right = palette_score([reference], frames)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            wrong = palette_score([recoloured], frames)
            print(
                f"{seconds:>2} s clip: {len(frames)} frames, sample + score wall {wall:.2f} s, "
                f"cpu {cpu:.2f} s; score vs its reference {right}, vs a recoloured one {wrong}"
            )


if __name__ == "__main__":
    main()
