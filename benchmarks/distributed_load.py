"""Bot load from one process vs Dask shards: requests/s against ``GET /health``, and Dask's overhead.

One ``simlab serve --in-memory`` (the trivial endpoint, loopback only) is driven for
``--duration`` seconds by a scenario of ``--bots`` bots that call ``GET /health``
back to back, three ways, one after the other:

1. ``simlab scenario run`` in one process (``--url``);
2. the same with ``--workers 2`` (a Dask ``LocalCluster`` of two shard processes);
3. two independent plain processes at once, each with half the bots.

It prints requests/s for each and the ratio of (2) to (3): what Dask's coordination
costs against the same two processes without it (target: >= 90%).  On a machine with
few cores the server and the load generators share them, so (2) and (3) may not beat
(1); the overhead ratio is the figure that compares like with like.

    python benchmarks/distributed_load.py --bots 16 --duration 8
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

from simlab.server import free_port

SCENARIO = """
from simlab.engine import Bot, Limits, Population, Scenario, Thresholds, constant, task


class Health(Bot):
    wait_time = constant(0.0)

    @task
    async def health(self):
        await self.dallinger.request("GET", "/health", name="GET /health")


scenario = Scenario(
    name="health_load",
    populations=[Population(Health, count={bots}, rate=None)],
    limits=Limits(duration={duration}),
    thresholds=Thresholds(max_error_rate=None, max_failed_bots=None),
    launch=False,
)
"""


def run_scenario(path: Path, url: str, out: Path, *extra: str, seed: int = 1) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "simlab", "scenario", "run", str(path), "--url", url, "-q", "--no-snapshot",
           "--seed", str(seed), "--report", str(out), *extra]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen[bytes], out: Path, timeout: float) -> tuple[int, float]:
    """Wait for a run; return its request count and run seconds."""
    _, err = proc.communicate(timeout=timeout)
    if not (out / "report.json").exists():
        raise SystemExit(f"run failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    data = json.loads((out / "report.json").read_text())
    return int(data["total"]["count"]), float(data["duration"]["run"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bots", type=int, default=16)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median ratio is reported")
    args = parser.parse_args()
    timeout = args.duration + 90
    tmp = Path(tempfile.mkdtemp(prefix="simlab-dist-bench-"))
    scenario = tmp / "health_load.py"
    scenario.write_text(textwrap.dedent(SCENARIO.format(bots=args.bots, duration=args.duration)))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", "--in-memory", "--port", str(port), "--log-level", "WARNING"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("simlab serve did not start")
                time.sleep(0.1)
        print(f"{os.cpu_count()} CPUs · {args.bots} bots · {args.duration:g} s per run · GET /health on {url}")
        half = str(args.bots // 2)
        ratios = []
        for r in range(args.rounds):
            # alternate the order so drift on a noisy machine hits both sides alike
            order = ("dist", "plain") if r % 2 == 0 else ("plain", "dist")
            rates: dict[str, float] = {}
            for kind in order:
                if kind == "dist":
                    out = tmp / f"dist{r}"
                    count, seconds = finish(run_scenario(scenario, url, out, "--workers", "2"), out, timeout)
                    rates["dist"] = count / seconds
                else:
                    outs = [tmp / f"plain{r}_{i}" for i in range(2)]
                    procs = [run_scenario(scenario, url, o, "--participants", half, seed=i + 1) for i, o in enumerate(outs)]
                    rates["plain"] = sum(c / s for c, s in (finish(p, o, timeout) for p, o in zip(procs, outs)))
            out = tmp / f"one{r}"
            count, seconds = finish(run_scenario(scenario, url, out), out, timeout)
            rates["one"] = count / seconds
            ratios.append(rates["dist"] / rates["plain"])
            print(f"round {r + 1}: 1 process {rates['one']:6.0f} req/s · --workers 2 (Dask) {rates['dist']:6.0f} req/s · "
                  f"2 plain processes {rates['plain']:6.0f} req/s · Dask / plain = {ratios[-1]:.1%}", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    median = statistics.median(ratios)
    print(f"Dask vs 2 plain, median of {len(ratios)} rounds: {median:.1%} (target >= 90%) -> "
          f"{'OK' if median >= 0.9 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
