"""Soak run by hand: python bench/soak.py [--minutes 30] [--seed N]

Runs the soak test (tests/test_soak.py) for longer: repeated batches against the fake
provider with random faults (429s, 5xx, a worker SIGKILLed, the Redis restarted empty,
failing job reads and downloads) on two real Celery workers, new batches started until
`--minutes` have passed, then the last batch drained. It stops by itself and fails if a
take was lost, a prompt was submitted twice, or a worker process's RSS grew more than 10 %
after its warm-up; it prints the batches, the faults drawn and each process's RSS.

CI runs the same test for 2 minutes (`make test`); `--seed` replays a run's fault sequence.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=random.randrange(1_000_000))
    args = parser.parse_args()
    seconds = args.minutes * 60
    env = dict(os.environ)
    env.update(COMICSTUDIO_SOAK_SECONDS=str(seconds), COMICSTUDIO_SOAK_SEED=str(args.seed))
    print(f"soak: {args.minutes:g} minutes, seed {args.seed}, {os.cpu_count()} cores", flush=True)
    command = [
        sys.executable, "-m", "pytest", "tests/test_soak.py", "-q", "-s", "-p", "no:cacheprovider",
        f"--timeout={int(seconds) + 600}",  # the last batch drains after the deadline
    ]  # fmt: skip
    return subprocess.call(command, cwd=ROOT, env=env)  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
