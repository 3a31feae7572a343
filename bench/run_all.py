"""Run every benchmark and print one table: python bench/run_all.py [--repeats 3] [--quick]

Each bench script runs `--repeats` times as its own process; every figure it prints
("label  12.3 ms", "label: 12 ms", "label  1.05", or board_load.py's JSON lines) becomes a
row with its median and p95 over the repeats. The header names the core count, the load
average and the commit, since the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# A label, then a number and its unit: "storyboard page, 200 cards   41.0 ms  9 queries".
FIGURE = re.compile(
    r"^\s*(?P<label>[A-Za-z][^:]*?):?\s+(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ms|s)\b"
)
SCRIPTS = {
    "storyboard": ["storyboard.py"],
    "characters": ["characters.py"],
    "board_load": ["board_load.py", "--json", "--repeats", "1"],
    "live_latency": ["live_latency.py", "--json", "--events", "20"],
    "batch": ["batch.py"],
    "animatic": ["animatic.py"],
    "export_sound": ["export_sound.py", "6"],
}
QUICK = ("storyboard", "board_load", "live_latency")


def _rows(name: str, output: str) -> list[tuple[str, str, float]]:
    rows = []
    for line in output.splitlines():
        if line.startswith("{"):
            figure = json.loads(line)
            label = figure.pop("name")
            for key, value in figure.items():
                if key != "errors" and isinstance(value, int | float):
                    rows.append((name, f"{label}: {key}", float(value)))
        elif match := FIGURE.match(line):
            unit = match["unit"]
            rows.append((name, f"{match['label'].strip()} ({unit})", float(match["value"])))
    return rows


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _number(value: float) -> str:
    # Ratios below 1 keep their digits; times and counts one decimal.
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"


def _commit() -> str:
    result = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def main() -> None:
    """Run the scripts, collect their figures, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="only " + ", ".join(QUICK))
    args = parser.parse_args()
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for name, command in SCRIPTS.items():
        if args.quick and name not in QUICK:
            continue
        for _ in range(args.repeats):
            run = subprocess.run(  # noqa: S603
                [sys.executable, str(ROOT / command[0]), *command[1:]],
                capture_output=True,
                text=True,
                check=False,
                timeout=900,
            )
            if run.returncode != 0:
                print(f"{name} failed:\n{run.stderr[-2000:]}", file=sys.stderr)
                break
            for bench, label, value in _rows(name, run.stdout):
                values[(bench, label)].append(value)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    print(f"# {now} · commit {_commit()} · {os.cpu_count()} cores · load {load:.1f}")
    print("| bench | figure | median | p95 | n |\n| --- | --- | ---: | ---: | ---: |")
    for (bench, label), figures in values.items():
        median = statistics.median(figures)
        print(
            f"| {bench} | {label} | {_number(median)} | {_number(_p95(figures))} | {len(figures)} |"
        )


if __name__ == "__main__":
    main()
