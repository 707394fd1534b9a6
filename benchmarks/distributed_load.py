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
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

from simlab.engine.serve_scenario import free_port

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
        one = finish(run_scenario(scenario, url, tmp / "one"), tmp / "one", timeout)
        dist = finish(run_scenario(scenario, url, tmp / "dist", "--workers", "2"), tmp / "dist", timeout)
        half = str(args.bots // 2)
        procs = [run_scenario(scenario, url, tmp / f"plain{i}", "--participants", half, seed=i + 1) for i in range(2)]
        plain = [finish(p, tmp / f"plain{i}", timeout) for i, p in enumerate(procs)]
    finally:
        server.terminate()
        server.wait(10)
    rate_one = one[0] / one[1]
    rate_dist = dist[0] / dist[1]
    rate_plain = sum(count / seconds for count, seconds in plain)
    print(f"1 process            : {one[0]:>8} requests in {one[1]:5.2f} s = {rate_one:8.0f} req/s")
    print(f"--workers 2 (Dask)   : {dist[0]:>8} requests in {dist[1]:5.2f} s = {rate_dist:8.0f} req/s  ({rate_dist / rate_one:.2f}x one process)")
    print(f"2 plain processes    : {sum(c for c, _ in plain):>8} requests             = {rate_plain:8.0f} req/s")
    ratio = rate_dist / rate_plain
    print(f"Dask vs 2 plain      : {ratio:.1%} (target >= 90%) -> {'OK' if ratio >= 0.9 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
