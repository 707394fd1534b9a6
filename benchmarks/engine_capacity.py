"""How much load one engine process holds and generates (loopback only, bounded).

Two measurements:

* **capacity**: N bots that only think (``trio.sleep`` for a random think time, over
  and over) for a fixed time; reports how late their timers fire (p50/p99/max) —
  the issue's target is 10,000 bots with p99 lateness < 50 ms;
* **requests/s**: B bots with no think time hammering a null HTTP server (a tiny
  h11 server in a child process, so the server is not the bottleneck) through the
  engine's API client, with a client per bot and with one shared client; also the
  in-process ASGI path against a null ASGI app.  Reports req/s and req per CPU-second
  of the engine process (it is single-threaded, so that is req/s per core).

Usage::

    python benchmarks/engine_capacity.py                 # defaults: 10,000 bots, 64 load bots
    python benchmarks/engine_capacity.py --bots 2000 --duration 5 --json out.json
"""

from __future__ import annotations

import argparse
import functools
import json
import socket
import subprocess
import sys
import time
from typing import Any

import h11
import trio

from simlab.engine import (
    Bot,
    ClientSource,
    Engine,
    Events,
    LatencyHistogram,
    Limits,
    Population,
    RetryPolicy,
    RunStats,
    Target,
    constant,
    task,
)

BODY = b'{"status": "success", "summary": []}'


# -- the null server (child process) -------------------------------------------------
async def _serve_connection(stream: trio.SocketStream) -> None:
    conn = h11.Connection(h11.SERVER)
    try:
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await stream.receive_some(65536)
                if not data:
                    return
                conn.receive_data(data)
                continue
            if isinstance(event, h11.Request):
                continue
            if isinstance(event, h11.EndOfMessage):
                headers = [("content-type", "application/json"), ("content-length", str(len(BODY)))]
                out = conn.send(h11.Response(status_code=200, headers=headers))
                out += conn.send(h11.Data(data=BODY)) + conn.send(h11.EndOfMessage())  # type: ignore[operator]
                await stream.send_all(out)  # type: ignore[arg-type]
                conn.start_next_cycle()
                continue
            if isinstance(event, h11.ConnectionClosed):
                return
    except (trio.BrokenResourceError, trio.ClosedResourceError, h11.RemoteProtocolError):
        return


def serve_null(port: int) -> None:
    """Run the null HTTP server on 127.0.0.1:``port`` until killed."""
    trio.run(functools.partial(trio.serve_tcp, _serve_connection, port, host="127.0.0.1"))


async def null_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The in-process counterpart: answer every request with the same JSON."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": BODY})


# -- capacity: bots that only think ----------------------------------------------------
def capacity(bots: int, duration: float, think: float, arrival: float) -> dict[str, Any]:
    """Run ``bots`` thinking bots for ``duration`` seconds; return timer lateness stats."""
    lateness = LatencyHistogram()

    class Thinker(Bot):
        @task
        async def think_once(self) -> None:
            deadline = trio.current_time() + self.random.uniform(0.5 * think, 1.5 * think)
            await trio.sleep_until(deadline)
            lateness.record(max(0.0, trio.current_time() - deadline))

    async def main() -> tuple[float, float]:
        source = ClientSource(Target.in_process(null_asgi))
        engine = Engine([Population(Thinker, bots, rate=bots / arrival)], source, seed=1, limits=Limits(duration=duration))
        cpu0, t0 = time.process_time(), time.perf_counter()
        await engine.run()
        return time.process_time() - cpu0, time.perf_counter() - t0

    cpu, wall = trio.run(main)
    pct = lateness.percentiles((50.0, 99.0))
    return {
        "bots": bots,
        "duration_s": round(wall, 2),
        "wakeups": lateness.count,
        "lateness_p50_ms": round((pct[50.0] or 0) * 1000, 3),
        "lateness_p99_ms": round((pct[99.0] or 0) * 1000, 3),
        "lateness_max_ms": round((lateness.max or 0) * 1000, 3),
        "cpu_share": round(cpu / wall, 2),
    }


# -- requests/s --------------------------------------------------------------------
def throughput(target: Target, bots: int, duration: float, shared: bool) -> dict[str, Any]:
    """Run ``bots`` bots with no think time for ``duration`` s; return req/s figures."""

    class Hammer(Bot):
        wait_time = constant(0)

        @task
        async def get(self) -> None:
            await self.dallinger.summary()

    async def main() -> tuple[RunStats, float, float]:
        events = Events()
        stats = RunStats(origin=trio.current_time()).attach(events)
        source = ClientSource(target, shared=shared)
        engine = Engine([Population(Hammer, bots)], source, seed=1, events=events, limits=Limits(duration=duration), retry=RetryPolicy(attempts=1))
        cpu0, t0 = time.process_time(), time.perf_counter()
        await engine.run()
        return stats, time.process_time() - cpu0, time.perf_counter() - t0

    stats, cpu, wall = trio.run(main)
    pct = stats.total.latency.percentiles((50.0, 99.0))
    return {
        "target": "in-process" if target.is_in_process else "loopback",
        "client": "shared" if shared else "per-bot",
        "bots": bots,
        "requests": stats.total.count,
        "errors": stats.total.errors,
        "req_per_s": round(stats.total.count / wall),
        "req_per_cpu_s": round(stats.total.count / cpu) if cpu else None,
        "p50_ms": round((pct[50.0] or 0) * 1000, 2),
        "p99_ms": round((pct[99.0] or 0) * 1000, 2),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"null server did not listen on port {port} within {timeout} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bots", type=int, default=10_000, help="thinking bots for the capacity test (max 50,000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (max 60)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time of the capacity bots")
    parser.add_argument("--arrival", type=float, default=2.0, help="seconds over which the capacity bots arrive")
    parser.add_argument("--load-bots", type=int, default=64, help="concurrent bots for the req/s test (max 1,000)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--serve-null", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_null:
        serve_null(args.serve_null)
        return 0
    bots, duration, load = min(args.bots, 50_000), min(args.duration, 60.0), min(args.load_bots, 1_000)

    results: dict[str, Any] = {"capacity": capacity(bots, duration, args.think, args.arrival), "throughput": []}
    print("capacity:", json.dumps(results["capacity"]), flush=True)
    for shared in (True, False):
        row = throughput(Target.in_process(null_asgi), load, duration / 2, shared)
        results["throughput"].append(row)
        print("throughput:", json.dumps(row), flush=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-null", str(port)])
    try:
        wait_for_port(port)
        for shared in (True, False):
            row = throughput(Target.remote(f"http://127.0.0.1:{port}"), load, duration / 2, shared)
            results["throughput"].append(row)
            print("throughput:", json.dumps(row), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
