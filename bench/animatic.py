"""Benchmark animatic rendering: python bench/animatic.py (no Django needed).

Renders the demo cast (drawn by comicstudio/demo_art.py, cut out on the stage) at
720x1280 and 12 fps with each kind of camera move, and prints wall time and how many
times faster than real time each clip renders, in wall time and in CPU time (the
second does not depend on what else the machine is doing).
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from comicstudio.demo_art import robot_chef, white_cat  # noqa: E402
from generation.animatic_render import AnimaticSpec, render_animatic  # noqa: E402

ACTION = "Hana spins around. The basket is empty. Mochi sits beside it, licking a paw."
DIALOGUE = (
    ("HANA", "Mochi! That was mine!"),
    ("MOCHI", "Mrrp."),
    ("HANA", "Fine. We'll make more. Together."),
)
CAMERAS = ("slow push-in", "tracking left to right", "slow crane up", "static")


def main() -> None:
    """Render 4, 8 and 12 s portrait clips per camera move; print timing and realtime ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        hana, mochi = pathlib.Path(tmp) / "hana.png", pathlib.Path(tmp) / "mochi.png"
        hana.write_bytes(robot_chef())
        mochi.write_bytes(white_cat())
        cast = (("Hana", str(hana)), ("Mochi", str(mochi)))
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for camera in CAMERAS:
            for seconds in (4, 8, 12):
                spec = AnimaticSpec(
                    "INT. HANA'S KITCHEN - NIGHT", ACTION, DIALOGUE, seconds, 720, 1280,
                    cast=("Hana", "Mochi"), portraits=cast, camera=camera,
                )  # fmt: skip
                video = pathlib.Path(tmp) / f"clip_{seconds}s.mp4"
                start, cpu = time.perf_counter(), time.process_time()
                render_animatic(spec, video_path=video, thumbnail_path=video.with_suffix(".jpg"))
                wall, cpu = time.perf_counter() - start, time.process_time() - cpu
                print(
                    f"{camera:>22} {seconds:>2} s @ 720x1280: wall {wall:.2f} s "
                    f"({seconds / wall:.1f}x realtime), cpu {cpu:.2f} s "
                    f"({seconds / cpu:.1f}x realtime per core), "
                    f"{video.stat().st_size / 1024:.0f} KiB"
                )


if __name__ == "__main__":
    main()
