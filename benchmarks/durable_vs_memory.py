"""Transmit throughput durable vs ``--in-memory``, as a ratio measured in one run.

Alternates the two servers (in memory, durable, in memory, durable...) at one
concurrency so drift on a noisy machine hits both, and prints the median of
each and their ratio (target: durable >= 70% of in memory).

    python benchmarks/durable_vs_memory.py --concurrency 16 --rounds 3 --duration 4
"""

from __future__ import annotations

import argparse
import statistics

import trio

from simlab.bench.local_server import LocalServer
from simlab.bench.transmit import requests_for, setup, drive

ROUTE = "POST /node/<id>/transmit"


async def main_async(args: argparse.Namespace) -> None:
    results: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for durable in (False, True):
            async with LocalServer(args.nodes, durable=durable) as server:
                targets = await setup(server.url, args.nodes)
                row = (await drive(server.url, ROUTE, requests_for(ROUTE, targets), args.concurrency,
                                   args.duration, args.max_requests)).row()
            results[durable].append(row["req_per_s"])
            print(f"{'durable  ' if durable else 'in-memory'} c={args.concurrency}: {row['req_per_s']:7.0f} req/s, "
                  f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, errors {row['errors']}", flush=True)
    memory, durable = statistics.median(results[False]), statistics.median(results[True])
    print(f"median in-memory {memory:.0f} req/s, durable {durable:.0f} req/s, durable/in-memory = {durable / memory:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    trio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    main()
