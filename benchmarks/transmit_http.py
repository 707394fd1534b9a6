"""Transmit over loopback HTTP against ``simlab serve``: req/s and latency percentiles.

Starts ``simlab serve`` (in memory) on a free port with a FullyConnected network
of ``--nodes`` nodes, gives each node one info, then drives
``POST /node/<id>/transmit?what=<info>&to_whom=<neighbour>`` from ``c``
concurrent clients (one httpx client each) for ``--duration`` seconds or
``--max-requests`` requests, whichever comes first, at each concurrency.

    python benchmarks/transmit_http.py --concurrency 1,16,64 --duration 5
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
import trio

EXPERIMENT = textwrap.dedent(
    """
    from simlab import Experiment, FullyConnected

    class TransmitBench(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return FullyConnected(max_size={nodes})
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_ready(url: str, timeout: float = 20.0) -> None:
    async with httpx.AsyncClient() as client:
        with trio.fail_after(timeout):
            while True:
                try:
                    if (await client.get(f"{url}/summary")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await trio.sleep(0.1)


async def setup(url: str, nodes: int) -> list[tuple[int, int, int]]:
    """Create the network; return (node, info, neighbour) triples to transmit along."""
    async with httpx.AsyncClient(base_url=url) as client:
        (await client.post("/launch")).raise_for_status()
        ids = []
        for i in range(nodes):
            pid = (await client.post(f"/participant/w{i}/h/a{i}/debug")).json()["participant"]["id"]
            ids.append((await client.post(f"/node/{pid}")).json()["node"]["id"])
        triples = []
        for k, node in enumerate(ids):
            info = (await client.post(f"/info/{node}", data={"contents": f"info {k}"})).json()["info"]["id"]
            triples.append((node, info, ids[(k + 1) % len(ids)]))
        return triples


async def drive(url: str, triples: list, concurrency: int, duration: float, max_requests: int) -> dict:
    latencies: list[float] = []
    errors = 0
    remaining = max_requests
    deadline = trio.current_time() + duration

    async def worker(index: int) -> None:
        nonlocal errors, remaining
        async with httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=1)) as client:
            k = index
            while remaining > 0 and trio.current_time() < deadline:
                remaining -= 1
                node, info, neighbour = triples[k % len(triples)]
                k += concurrency
                start = time.perf_counter()
                response = await client.post(f"/node/{node}/transmit", data={"what": info, "to_whom": neighbour})
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    errors += 1

    started = time.perf_counter()
    async with trio.open_nursery() as nursery:
        for i in range(concurrency):
            nursery.start_soon(worker, i)
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


HEADER = f"{'concurrency':>11} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"


def format_row(row: dict) -> str:
    return (
        f"{row['concurrency']:>11} {row['requests']:>9} {row['errors']:>6} {row['req_per_s']:>8.0f} "
        f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['max_ms']:>8.2f}"
    )


class Server:
    """``simlab serve`` of the benchmark experiment in a subprocess (in memory or durable)."""

    def __init__(self, nodes: int, durable: bool = False) -> None:
        self.nodes = nodes
        self.durable = durable
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> "Server":
        self._tmp = tempfile.TemporaryDirectory()
        experiment = Path(self._tmp.name) / "bench_experiment.py"
        experiment.write_text(EXPERIMENT.format(nodes=self.nodes))
        storage = ["--data-dir", str(Path(self._tmp.name) / "data")] if self.durable else ["--in-memory"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "simlab", "serve", str(experiment), "--port", str(self.port), *storage,
             "--log-level", "WARNING"],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
        )
        await wait_ready(self.url)
        self.triples = await setup(self.url, self.nodes)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._tmp.cleanup()


async def main_async(args: argparse.Namespace) -> None:
    async with Server(args.nodes, durable=args.durable) as server:
        print(f"transmit over HTTP, {'durable' if args.durable else 'in memory'}, {args.nodes} nodes")
        print(HEADER)
        for concurrency in args.concurrency:
            row = await drive(server.url, server.triples, concurrency, args.duration, args.max_requests)
            print(format_row(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16, 64])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per concurrency level")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap per concurrency level")
    parser.add_argument("--durable", action="store_true", help="serve with the SQLite journal instead of --in-memory")
    trio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    main()
