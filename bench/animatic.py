"""Benchmark animatic rendering: python bench/animatic.py (no Django needed)."""

from __future__ import annotations

import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from generation.animatic_render import AnimaticSpec, render_animatic  # noqa: E402

ACTION = (
    "Mara slams the fridge shut. Steam rises from a forgotten kettle while the radio "
    "crackles an old song about leaving home. Jonas hovers in the doorway, keys in hand."
)
DIALOGUE = (
    ("MARA", "You said you'd be back by noon."),
    ("JONAS", "I said I'd try. That's different."),
    ("MARA", "Not to me it isn't."),
)


def main() -> None:
    """Render 4, 8 and 12 s portrait clips and print timing, realtime ratio and size."""
    with tempfile.TemporaryDirectory() as tmp:
        for seconds in (4, 8, 12):
            spec = AnimaticSpec(
                "INT. KITCHEN - DAY", ACTION, DIALOGUE, seconds, 720, 1280, cast=("Mara", "Jonas")
            )
            video = pathlib.Path(tmp) / f"clip_{seconds}s.mp4"
            start = time.perf_counter()
            render_animatic(spec, video_path=video, thumbnail_path=video.with_suffix(".jpg"))
            wall = time.perf_counter() - start
            print(
                f"{seconds:>2} s @ 720x1280: wall {wall:.2f} s, {seconds / wall:.1f}x realtime, "
                f"{video.stat().st_size / 1024:.0f} KiB"
            )


if __name__ == "__main__":
    main()
