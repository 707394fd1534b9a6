"""Transmit throughput and memory as the store grows: 10^3, 10^5 and 10^6 stored infos.

For each size, a fresh local ``simlab serve`` preloads that many infos (each
transmitted once, so as many transmissions) into the benchmark network, then
``GET /health`` and ``POST /node/<id>/transmit`` are driven at one concurrency.
Prints req/s, the ratio to the smallest size, the server's resident memory, and
bytes per stored info+transmission (from the memory difference between sizes,
and, exactly, from tracemalloc on an in-process store).

    python benchmarks/scaling.py --sizes 1000,100000,1000000 --concurrency 16 --duration 5
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc

import trio

from simlab.bench.local_server import LocalServer, rss_bytes
from simlab.bench.transmit import run, setup


def bytes_per_pair(count: int) -> float:
    """tracemalloc bytes per info+transmission stored in an in-process store."""
    from simlab import Experiment, FullyConnected, Info, Node

    class Scale(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return FullyConnected(max_size=10)

    exp = Scale()
    exp.setup()
    net = exp.networks()[0]
    nodes = []
    for _ in range(10):
        node = Node(network=net)
        net.add_node(node)
        nodes.append(node)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        origin = nodes[i % 10]
        info = Info(origin=origin, contents="ballast")
        origin.transmit(what=info, to_whom=nodes[(i + 1) % 10])
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


async def main_async(args: argparse.Namespace) -> None:
    rows = []
    for size in args.sizes:
        async with LocalServer(args.nodes, preload=size) as server:
            targets = await setup(server.url, args.nodes)
            rss = rss_bytes(server.pid)
            results = await run(server.url, targets, [args.concurrency], args.duration, args.max_requests,
                                routes=("GET /health", "POST /node/<id>/transmit"))
        health, transmit = results[0].rate, results[1].rate
        rows.append((size, health, transmit, results[1].row()["p99_ms"], rss))
        print(f"stored {size:>9,}: health {health:7.0f} req/s, transmit {transmit:7.0f} req/s "
              f"(p99 {results[1].row()['p99_ms']} ms), server RSS {rss / 2**20:7.1f} MiB", flush=True)
    base = rows[0]
    print()
    for size, health, transmit, _p99, rss in rows:
        per_pair = (rss - base[4]) / (size - base[0]) if size != base[0] else float("nan")
        print(f"stored {size:>9,}: transmit / transmit at {base[0]:,} = {transmit / base[2]:.2f}; "
              f"transmit / same-run health = {transmit / health:.2f}; RSS bytes per info+transmission = {per_pair:.0f}")
    print(f"tracemalloc bytes per info+transmission (in process, {args.tracemalloc_count:,} pairs): "
          f"{bytes_per_pair(args.tracemalloc_count):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--tracemalloc-count", type=int, default=100_000)
    trio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    main()
