"""Durable soak: steady load on ``simlab serve --data-dir``, a SIGKILL and restart mid-run, nothing lost.

Starts ``simlab serve`` on a fresh data folder with one unbounded Chain and runs
``--bots`` participant flows paced to ``--rate`` requests per second in total
(sign up, node, info, transmit, read transmissions, complete), recording every
write the server acknowledged.  At the halfway mark the server gets SIGKILL and
is started again on the same folder at once (bots retry until it answers).  At
the end it is stopped with SIGTERM, and the SQLite file is read directly:
every acknowledged participant and info must be there with its contents.

Prints, minute by minute: requests, req/s, p50/p99 latency, errors (answers
outside the flow, not counting refused connections while the server was down);
then the restart (rows in the file, seconds from SIGKILL to ``/health`` 200)
and the verdict: acknowledged writes lost (must be 0) and the clean stop's exit
status (must be 0).

    python benchmarks/soak_durable.py --minutes 10 --rate 300 --bots 32
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import trio

from simlab.bench.local_server import free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak import EXPERIMENT, Minute, p  # noqa: E402  (a sibling script, not a package)


@dataclass
class Run:
    url: str
    start: float = 0.0
    minutes: list[Minute] = field(default_factory=list)
    down: int = 0
    counter: int = 0
    participants: dict[int, str] = field(default_factory=dict)
    infos: dict[int, str] = field(default_factory=dict)

    def current(self) -> Minute:
        index = int((trio.current_time() - self.start) // 60)
        while len(self.minutes) <= index:
            self.minutes.append(Minute())
        return self.minutes[index]

    async def call(self, client: httpx.AsyncClient, method: str, url: str, **kw) -> httpx.Response | None:
        began = trio.current_time()
        try:
            response = await client.request(method, url, **kw)
        except httpx.TransportError:
            self.down += 1  # the server is being killed or restarted: not an answer
            await trio.sleep(0.2)
            return None
        minute = self.current()
        minute.latencies.append(trio.current_time() - began)
        if response.status_code != 200:
            if response.status_code != 503:  # 503: still loading after the restart
                minute.errors += 1
            return None
        return response

    async def bot(self, deadline: float, per_bot_rate: float) -> None:
        interval = 1.0 / per_bot_rate
        next_at = trio.current_time()
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:

            async def step(method: str, url: str, **kw) -> httpx.Response | None:
                nonlocal next_at
                next_at = max(next_at + interval, trio.current_time())
                await trio.sleep_until(next_at)
                return await self.call(client, method, url, **kw)

            while trio.current_time() < deadline:
                self.counter += 1
                n = self.counter
                made = await step("POST", f"/participant/w{n}/h{n}/a{n}/debug")
                if made is None:
                    continue
                pid = made.json()["participant"]["id"]
                self.participants[pid] = f"a{n}"
                node = await step("POST", f"/node/{pid}")
                if node is not None:
                    node_id = node.json()["node"]["id"]
                    info = await step("POST", f"/info/{node_id}", data={"contents": f"soak {n}"})
                    if info is not None:
                        self.infos[info.json()["info"]["id"]] = f"soak {n}"
                        await step("POST", f"/node/{node_id}/transmit")
                    await step("GET", f"/node/{node_id}/transmissions")
                await step("POST", "/worker_complete", data={"participant_id": str(pid)})


def start_server(experiment: Path, data: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(experiment), "--port", str(port), "--data-dir", str(data),
         "--log-level", "WARNING"],
    )


async def wait_healthy(url: str, limit: float = 120) -> float:
    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=url) as client:
        with trio.fail_after(limit):
            while True:
                try:
                    if (await client.get("/health")).status_code == 200:
                        return time.perf_counter() - began
                except httpx.TransportError:
                    pass
                await trio.sleep(0.05)


async def soak(minutes: float, rate: float, bots: int) -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="simlab-durable-soak-") as tmp:
        experiment, data = Path(tmp) / "soak.py", Path(tmp) / "data"
        experiment.write_text(EXPERIMENT)
        server = start_server(experiment, data, port)
        try:
            await wait_healthy(url)
            async with httpx.AsyncClient(base_url=url) as client:
                await client.post("/launch")
            run = Run(url)
            run.start = trio.current_time()
            deadline = run.start + minutes * 60
            print(f"durable soak: {bots} bots at {rate:.0f} req/s for {minutes:g} min; SIGKILL + restart at {minutes / 2:g} min")
            print(f"{'min':>3} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
            restart: dict[str, float] = {}
            async with trio.open_nursery() as nursery:
                for _ in range(bots):
                    nursery.start_soon(run.bot, deadline, rate / bots)

                async def kill_and_restart() -> None:
                    nonlocal server
                    await trio.sleep_until(run.start + minutes * 30)
                    restart["acknowledged"] = len(run.participants) + len(run.infos)
                    server.send_signal(signal.SIGKILL)
                    server.wait()
                    killed = time.perf_counter()
                    server = start_server(experiment, data, port)
                    await wait_healthy(url)
                    restart["seconds"] = time.perf_counter() - killed

                nursery.start_soon(kill_and_restart)
                for index in range(int(minutes + 0.999)):
                    await trio.sleep_until(min(run.start + (index + 1) * 60, deadline))
                    minute = run.minutes[index] if index < len(run.minutes) else Minute()
                    seconds = min(60.0, deadline - (run.start + index * 60))
                    lat = minute.latencies
                    print(
                        f"{index + 1:>3} {len(lat):>8} {len(lat) / seconds:>7.0f} {p(lat, 0.5) * 1000:>7.1f} "
                        f"{p(lat, 0.99) * 1000:>7.1f} {minute.errors:>6}",
                        flush=True,
                    )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                stop_code = server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                stop_code = server.wait()
        del run.minutes[int(minutes + 0.999):]  # answers that came in after the deadline
        return verdict(run, data, restart, stop_code)


def verdict(run: Run, data: Path, restart: dict[str, float], stop_code: int) -> int:
    db = sqlite3.connect(f"file:{data / 'simlab.sqlite3'}?mode=ro", uri=True)
    stored_p = dict(db.execute("SELECT id, assignment_id FROM participant"))
    stored_i = dict(db.execute("SELECT id, contents FROM info"))
    db.close()
    lost = [k for k, v in run.participants.items() if stored_p.get(k) != v]
    lost += [k for k, v in run.infos.items() if stored_i.get(k) != v]
    errors = sum(m.errors for m in run.minutes)
    p99s = [p(m.latencies, 0.99) for m in run.minutes if m.latencies]
    print(
        f"restart: SIGKILL with {restart.get('acknowledged', 0):.0f} acknowledged participants+infos, "
        f"back to /health 200 in {restart.get('seconds', float('nan')):.2f} s; {run.down} requests refused while down"
    )
    print(
        f"verdict: acknowledged writes {len(run.participants)} participants + {len(run.infos)} infos, lost {len(lost)} "
        f"({'OK' if not lost else 'FAIL'}); errors {errors}; p99 per minute {', '.join(f'{x * 1000:.1f}' for x in p99s)} ms; "
        f"clean stop exit status {stop_code} ({'OK' if stop_code == 0 else 'FAIL'})"
    )
    return 0 if not lost and not errors and stop_code == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="run length (the SIGKILL comes at half of it)")
    parser.add_argument("--rate", type=float, default=300.0, help="total requests per second")
    parser.add_argument("--bots", type=int, default=32)
    args = parser.parse_args(argv)
    return trio.run(soak, args.minutes, args.rate, args.bots)


if __name__ == "__main__":
    sys.exit(main())
