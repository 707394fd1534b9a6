"""Soak: a steady load against ``simlab serve`` on loopback, minute by minute.

Starts ``simlab serve`` (in memory by default) with one unbounded Chain and
runs ``--bots`` participant flows paced to ``--rate`` requests per second in
total: sign up, get a node, post an info, transmit it, read transmissions,
complete.  Every minute it prints requests, req/s, p50/p99 latency, errors, the
server's resident memory and the rows it acknowledged, then a verdict:

* no errors (a 5xx, a transport error, or an answer the flow did not expect);
* p99 flat: no minute's p99 above twice the median minute's (or 25 ms);
* memory grows only with stored data: RSS growth per stored row stays roughly
  constant (the last half of the run within 2x of the whole run's figure, or
  under 1 MiB in total).

    python benchmarks/soak.py --minutes 10 --rate 300 --bots 32
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import trio

from simlab.bench.local_server import free_port, rss_bytes

EXPERIMENT = textwrap.dedent(
    """
    from simlab import Chain, Experiment


    class Soak(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain(max_size=10**9)
    """
)


@dataclass
class Minute:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    rows: int = 0


@dataclass
class Soak:
    url: str
    rate: float
    minutes: list[Minute] = field(default_factory=list)
    start: float = 0.0
    counter: int = 0

    def current(self) -> Minute:
        index = int((trio.current_time() - self.start) // 60)
        while len(self.minutes) <= index:
            self.minutes.append(Minute())
        return self.minutes[index]

    async def call(self, client: httpx.AsyncClient, method: str, url: str, expect: tuple[int, ...] = (200,), **kw) -> httpx.Response | None:
        began = trio.current_time()
        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError:
            self.current().errors += 1
            return None
        minute = self.current()
        minute.latencies.append(trio.current_time() - began)
        if response.status_code not in expect:
            minute.errors += 1
            return None
        return response

    async def bot(self, deadline: float, per_bot_rate: float) -> None:
        interval = 1.0 / per_bot_rate
        next_at = trio.current_time()
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:

            async def step(method: str, url: str, **kw) -> httpx.Response | None:
                nonlocal next_at
                next_at += interval
                await trio.sleep_until(max(next_at, trio.current_time()))
                return await self.call(client, method, url, **kw)

            while trio.current_time() < deadline:
                self.counter += 1
                n = self.counter
                made = await step("POST", f"/participant/w{n}/h{n}/a{n}/debug")
                if made is None:
                    continue
                self.current().rows += 1
                pid = made.json()["participant"]["id"]
                node = await step("POST", f"/node/{pid}")
                if node is not None:
                    node_id = node.json()["node"]["id"]
                    self.current().rows += 2  # the node and its vector from the chain's last node
                    info = await step("POST", f"/info/{node_id}", data={"contents": f"soak {n}"})
                    if info is not None:
                        self.current().rows += 1
                        sent = await step("POST", f"/node/{node_id}/transmit")
                        if sent is not None:
                            self.current().rows += len(sent.json()["transmissions"])
                    await step("GET", f"/node/{node_id}/transmissions")
                await step("POST", "/worker_complete", data={"participant_id": str(pid)})


def p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def soak(minutes: float, rate: float, bots: int, durable: bool) -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="simlab-soak-") as tmp:
        experiment = Path(tmp) / "soak.py"
        experiment.write_text(EXPERIMENT)
        storage = ["--data-dir", str(Path(tmp) / "data")] if durable else ["--in-memory"]
        command = [sys.executable, "-m", "simlab", "serve", str(experiment), "--port", str(port), *storage, "--log-level", "WARNING"]
        server = await trio.lowlevel.open_process(command)
        try:
            return await _drive(url, server.pid, minutes, rate, bots)
        finally:
            server.terminate()
            await server.wait()


async def _drive(url: str, pid: int, minutes: float, rate: float, bots: int) -> int:
    async with httpx.AsyncClient(base_url=url) as client:
        with trio.fail_after(30):
            while True:
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await trio.sleep(0.1)
        await client.post("/launch")
    state = Soak(url, rate)
    state.start = trio.current_time()
    deadline = state.start + minutes * 60
    baseline_rss = rss_bytes(pid)
    print(f"simlab serve pid {pid}, {bots} bots at {rate:.0f} req/s for {minutes:g} min; RSS at start {baseline_rss / 2**20:.1f} MiB")
    print(f"{'min':>3} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'RSS MiB':>8} {'rows':>8} {'B/row':>7}")
    rows_total, rss_points = 0, [(0, baseline_rss)]
    async with trio.open_nursery() as nursery:
        for _ in range(bots):
            nursery.start_soon(state.bot, deadline, rate / bots)
        for index in range(int(minutes + 0.999)):
            await trio.sleep_until(min(state.start + (index + 1) * 60, deadline))
            minute = state.current() if trio.current_time() < deadline else state.minutes[-1]
            minute = state.minutes[index] if index < len(state.minutes) else minute
            seconds = min(60.0, deadline - (state.start + index * 60))
            rows_total += minute.rows
            rss = rss_bytes(pid)
            rss_points.append((rows_total, rss))
            per_row = (rss - baseline_rss) / rows_total if rows_total else 0.0
            print(
                f"{index + 1:>3} {len(minute.latencies):>8} {len(minute.latencies) / seconds:>7.0f} "
                f"{p(minute.latencies, 0.5) * 1000:>7.1f} {p(minute.latencies, 0.99) * 1000:>7.1f} {minute.errors:>6} "
                f"{rss / 2**20:>8.1f} {rows_total:>8} {per_row:>7.0f}",
                flush=True,
            )
    return verdict(state.minutes, rss_points)


def verdict(minutes: list[Minute], rss_points: list[tuple[int, int]]) -> int:
    errors = sum(m.errors for m in minutes)
    p99s = [p(m.latencies, 0.99) for m in minutes if m.latencies]
    typical = statistics.median(p99s) if p99s else 0.0
    flat = all(x <= max(2 * typical, 0.025) for x in p99s)
    (rows0, rss0), (rows1, rss1) = rss_points[0], rss_points[-1]
    half = rss_points[len(rss_points) // 2]
    whole = (rss1 - rss0) / max(rows1 - rows0, 1)
    late = (rss1 - half[1]) / max(rows1 - half[0], 1)
    memory_ok = rss1 - rss0 < 2**20 or late <= 2 * max(whole, 1.0)
    print(
        f"verdict: errors {errors} ({'OK' if not errors else 'FAIL'}); p99 per minute {', '.join(f'{x * 1000:.1f}' for x in p99s)} ms, "
        f"median {typical * 1000:.1f} ms ({'flat' if flat else 'NOT flat'}); RSS +{(rss1 - rss0) / 2**20:.1f} MiB for {rows1} rows: "
        f"{whole:.0f} B/row overall, {late:.0f} B/row in the second half ({'proportional to data' if memory_ok else 'GROWING faster than data'})"
    )
    return 0 if (not errors and flat and memory_ok) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=300.0, help="total requests per second")
    parser.add_argument("--bots", type=int, default=32)
    parser.add_argument("--durable", action="store_true", help="serve with the SQLite journal instead of --in-memory")
    args = parser.parse_args(argv)
    return trio.run(soak, args.minutes, args.rate, args.bots, args.durable)


if __name__ == "__main__":
    sys.exit(main())
