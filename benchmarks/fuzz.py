"""Fuzz simlab from its own OpenAPI document (schemathesis), then audit the store.

Serves ``examples/study/study.py`` (Dallinger chains plus oTree session configs
and a room, REST key and admin password set) on a free loopback port inside
this process, seeds a few rows, and sends every documented operation
``--examples`` generated requests per mode (valid and invalid inputs).  Fails
(exit 1) on any 5xx the document does not promise, any answer outside its API's
shape, any transport error (a stalled connection), or a broken store invariant.

    python benchmarks/fuzz.py --examples 2000 --minutes 30
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import trio

from simlab.bench.fuzz import fuzz_in_process

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="generated requests per operation and mode")
    parser.add_argument("--minutes", type=float, default=30.0, help="stop generating after this long")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--experiment", type=Path, default=ROOT / "examples" / "study" / "study.py")
    args = parser.parse_args(argv)
    run = partial(fuzz_in_process, args.experiment, examples=args.examples, seed=args.seed, time_limit=args.minutes * 60)
    report, audit = trio.run(run)
    print(report.summary())
    print("statuses:", dict(sorted(report.statuses.items())))
    print("slowest operations:", ", ".join(f"{op} {s:.1f}s" for op, s in report.timings.most_common(5)))
    for problem in report.problems:
        print("PROBLEM", problem)
    for problem in audit:
        print("AUDIT", problem)
    print("verdict:", "OK" if not (report.problems or audit) else "FAILED")
    return 1 if report.problems or audit else 0


if __name__ == "__main__":
    sys.exit(main())
