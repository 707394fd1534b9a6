"""The README's admission-control figures: RAM per stored row, and what one client can push.

1. Bytes of RAM per stored row (tracemalloc, over ``--rows`` rows of each kind,
   in a store built as the server builds it).
2. Bytes per second one anonymous client (not on loopback) gets stored by
   posting 64 KB infos in process for ``--seconds`` real seconds: with the
   admission limits off, with the defaults from one participant, and with the
   defaults creating a fresh participant for every info (the address limit).

    python benchmarks/admission_figures.py --rows 20000 --seconds 3
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

import httpx
import trio

from simlab import Chain, Experiment, Settings
from simlab.web import create_app

CLIENT = ("198.51.100.20", 50000)
BLOB = "b" * 65536


class Open(Experiment):
    experiment_repeats = 1

    def create_network(self):  # type: ignore[no-untyped-def]
        return Chain(max_size=10**9)


async def row_bytes(rows: int) -> dict[str, float]:
    app = create_app(Open, settings=Settings(seed=1))
    exp = app.extensions["simlab"].exp
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        await client.post("/launch")
        pid = (await client.post("/participant/w/h/a/debug")).json()["participant"]["id"]
        node = (await client.post(f"/node/{pid}")).json()["node"]["id"]
    store = exp.store
    out: dict[str, float] = {}
    from simlab.domain import Info, Participant

    for name, make in (
        ("participant", lambda i: store.add(Participant(recruiter_id="hotair", worker_id=f"w{i}", hit_id="h", assignment_id=f"a{i}", mode="debug"))),
        ("info (10-byte contents)", lambda i: store.add(Info(origin=store.get("node", node), contents="0123456789"))),
    ):
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(rows):
            with store.transaction():
                make(i)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        out[name] = (after - before) / rows
    return out


async def push(settings: Settings, seconds: float, fresh_participants: bool) -> tuple[float, int, int]:
    """(stored bytes per second, accepted, refused) for one client posting 64 KB infos."""
    app = create_app(Open, settings=settings)
    transport = httpx.ASGITransport(app=app, client=CLIENT)
    accepted = refused = 0
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        await client.post("/launch")
        node = None
        began = time.perf_counter()
        n = 0
        while time.perf_counter() - began < seconds:
            n += 1
            if node is None or fresh_participants:
                r = await client.post(f"/participant/w{n}/h/a{n}/debug")
                if r.status_code != 200:
                    refused += 1
                    continue
                r = await client.post(f"/node/{r.json()['participant']['id']}")
                if r.status_code != 200:
                    refused += 1
                    continue
                node = r.json()["node"]["id"]
            r = await client.post(f"/info/{node}", data={"contents": BLOB})
            if r.status_code == 200:
                accepted += 1
            else:
                refused += 1
        elapsed = time.perf_counter() - began
    return accepted * len(BLOB) / elapsed, accepted, refused


async def main_async(args: argparse.Namespace) -> None:
    for name, size in (await row_bytes(args.rows)).items():
        print(f"RAM per stored row, {name}: {size:,.0f} bytes")
    off = Settings(max_value_bytes=0, participant_bytes_per_minute=0, address_bytes_per_minute=0)
    for label, settings, fresh in (
        ("limits off", off, False),
        ("defaults, one participant", Settings(), False),
        ("defaults, a fresh participant per info", Settings(), True),
    ):
        rate, accepted, refused = await push(settings, args.seconds, fresh)
        print(f"one client, {label}: {rate / 1e6:.2f} MB/s stored over {args.seconds:.0f} s ({accepted} infos of 64 KB accepted, {refused} refused)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=3.0)
    trio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    main()
