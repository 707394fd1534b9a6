"""Restart time of a durable data folder against plain Python reading the same SQLite file.

Builds (or reuses, ``--file``) a simlab database of ``--pairs`` infos each
transmitted once (500,000 pairs: 10^6 rows), then, in alternating rounds on the
same file:

* plain read: a fresh ``sqlite3`` connection iterating ``SELECT *`` over every
  table (rows fetched into Python, nothing else);
* load: what ``simlab serve`` runs before it answers (``sqlite.connect`` with
  its checks, then ``load_steps`` rebuilding the store and every index);

and prints each round, the median of each and the ratio load / plain read
(target <= 2), in wall time and in CPU time (steadier on a shared machine).  ``--serve`` also times a real ``simlab serve`` process from
start to its first ``GET /health`` 200 (interpreter start-up included).

    python benchmarks/restart.py --pairs 500000 --rounds 3 --serve
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from simlab import Experiment, FullyConnected, Info, Node
from simlab.bench.local_server import free_port
from simlab.domain.classes import class_resolver
from simlab.store import GraphStore
from simlab.store import sqlite as db_file


class Restart(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return FullyConnected(max_size=100)


def build(folder: Path, pairs: int, nodes: int = 100) -> Path:
    """A data folder holding ``pairs`` infos, each transmitted once, over ``nodes`` nodes."""
    exp = Restart()
    exp.setup()
    net = exp.networks()[0]
    members = []
    for _ in range(nodes):
        node = Node(network=net)
        net.add_node(node)
        members.append(node)
    for i in range(pairs):
        origin = members[i % nodes]
        origin.transmit(what=Info(origin=origin, contents=f"ballast {i}"), to_whom=members[(i + 1) % nodes])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / db_file.FILE_NAME
    db = db_file.connect(path)
    db_file.write(db, [(t, db_file.encode(r)) for t in db_file.LOAD_ORDER for r in exp.store.rows(t)])
    db.close()
    return path


def plain_read(path: Path) -> tuple[float, float, int]:
    began, cpu = time.perf_counter(), time.process_time()
    db = sqlite3.connect(str(path))
    count = 0
    for table in db_file.LOAD_ORDER:
        for _row in db.execute(f'SELECT * FROM "{table}"'):
            count += 1
    db.close()
    return time.perf_counter() - began, time.process_time() - cpu, count


def load(path: Path) -> tuple[float, float, int]:
    began, cpu = time.perf_counter(), time.process_time()
    db = db_file.connect(path)
    store = GraphStore()
    count = db_file.load(db, store, class_resolver(Restart), frozen=True)  # as the server loads
    db.close()
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    del store
    gc.unfreeze()
    gc.collect()
    return seconds, cpu_seconds, count


def serve_until_healthy(folder: Path) -> float:
    port = free_port()
    experiment = folder / "restart_experiment.py"
    experiment.write_text(
        "from simlab import Experiment, FullyConnected\n\n\nclass Restart(Experiment):\n    experiment_repeats = 1\n\n"
        "    def create_network(self):\n        return FullyConnected(max_size=100)\n"
    )
    began = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(experiment), "--port", str(port), "--data-dir", str(folder),
         "--log-level", "WARNING"],
        stdout=subprocess.DEVNULL,
    )
    loading_seen = 0
    try:
        with httpx.Client(timeout=5) as client:
            while time.perf_counter() - began < 300:
                try:
                    r = client.get(f"http://127.0.0.1:{port}/health")
                except httpx.TransportError:
                    time.sleep(0.02)
                    continue
                if r.status_code == 200:
                    return time.perf_counter() - began
                loading_seen += 1
                if loading_seen == 1:
                    print(f"  while loading, /health: {r.status_code} {r.text}")
                time.sleep(0.05)
        raise RuntimeError("server did not become healthy in 300 s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=500_000, help="infos (each with one transmission) to store")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--file", type=Path, help="data folder to reuse (built there if it holds no database)")
    parser.add_argument("--serve", action="store_true", help="also time a real simlab serve to its first /health 200")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.file or Path(tmp)
        path = folder / db_file.FILE_NAME
        if not path.exists():
            began = time.perf_counter()
            build(folder, args.pairs)
            print(f"built {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - began:.1f} s")
        reads, loads, read_cpu, load_cpu = [], [], [], []
        for k in range(args.rounds):
            read_s, read_c, read_n = plain_read(path)
            load_s, load_c, load_n = load(path)
            assert read_n == load_n, (read_n, load_n)
            reads.append(read_s)
            loads.append(load_s)
            read_cpu.append(read_c)
            load_cpu.append(load_c)
            print(
                f"round {k + 1}: {read_n:,} rows · plain read {read_s:.2f} s (CPU {read_c:.2f}) · "
                f"load {load_s:.2f} s (CPU {load_c:.2f}) · ratio {load_s / read_s:.2f} (CPU {load_c / read_c:.2f})"
            )
        med = statistics.median
        print(
            f"median: plain read {med(reads):.2f} s · load {med(loads):.2f} s · ratio {med(loads) / med(reads):.2f}; "
            f"CPU time: {med(read_cpu):.2f} vs {med(load_cpu):.2f} s, ratio {med(load_cpu) / med(read_cpu):.2f} (target <= 2)"
        )
        if args.serve:
            print(f"simlab serve start to /health 200: {serve_until_healthy(folder):.2f} s (interpreter start-up included)")


if __name__ == "__main__":
    main()
