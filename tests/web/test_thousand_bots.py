"""1,000 concurrent bots on one network: nothing lost, nothing duplicated, invariants hold.

Each bot is a trio task with its own in-process HTTP client.  It signs up, asks
for a node in the one Chain (room for 600: the last 400 are refused), posts an
info, transmits it, reads its incoming transmissions (receiving them) and
completes.  Every write the server acknowledged must be in the final state,
exactly once, and the store audit must hold.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import httpx
import trio

from simlab import Chain, Experiment, Settings
from simlab.domain.audit import audit
from simlab.web import create_app

BOTS = 1000
ROOM = 600


class OneChain(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain(max_size=ROOM)


class Acks:
    """What the server acknowledged, by table."""

    def __init__(self) -> None:
        self.ids: dict[str, list[int]] = {"participant": [], "node": [], "info": [], "transmission": []}
        self.statuses: Counter[int] = Counter()
        self.infos: dict[int, str] = {}
        self.completed: list[int] = []


async def bot(n: int, app: Any, acks: Acks, rng: random.Random) -> None:
    async def pause() -> None:
        await trio.sleep(rng.random() * 0.005)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bots") as client:

        async def call(method: str, url: str, **kw: Any) -> httpx.Response:
            response = await client.request(method, url, **kw)
            acks.statuses[response.status_code] += 1
            assert response.status_code < 500, response.text
            return response

        await pause()
        created = (await call("POST", f"/participant/w{n}/h{n}/a{n}/debug")).json()
        pid = created["participant"]["id"]
        acks.ids["participant"].append(pid)
        await pause()
        answer = await call("POST", f"/node/{pid}")
        if answer.status_code == 200:
            node = answer.json()["node"]["id"]
            acks.ids["node"].append(node)
            await pause()
            info = (await call("POST", f"/info/{node}", data={"contents": f"bot {n}"})).json()["info"]
            acks.ids["info"].append(info["id"])
            acks.infos[info["id"]] = f"bot {n}"
            await pause()
            sent = await call("POST", f"/node/{node}/transmit", data={"what": str(info["id"])})
            if sent.status_code == 200:
                acks.ids["transmission"] += [t["id"] for t in sent.json()["transmissions"]]
            await pause()
            await call("GET", f"/node/{node}/transmissions", params={"status": "pending"})
        else:
            assert answer.status_code == 403  # the network is full: Dallinger's bare 403
        await pause()
        if (await call("POST", "/worker_complete", data={"participant_id": str(pid)})).status_code == 200:
            acks.completed.append(pid)


async def test_thousand_bots_lose_and_duplicate_nothing() -> None:
    app = create_app(OneChain, settings=Settings(seed=3))
    store = app.extensions["simlab"].store
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bots") as admin:
        assert (await admin.post("/launch")).status_code == 200
    acks = Acks()
    rng = random.Random(6)
    with trio.fail_after(120):
        async with trio.open_nursery() as nursery:
            for n in range(BOTS):
                nursery.start_soon(bot, n, app, acks, random.Random(rng.random()))

    assert acks.statuses[500] == 0
    for table, ids in acks.ids.items():
        assert len(ids) == len(set(ids)), f"{table}: an id was acknowledged twice"
        missing = set(ids) - {row.id for row in store.rows(table)}
        assert not missing, f"{table}: acknowledged but lost: {sorted(missing)[:10]}"
    assert store.count("participant") == BOTS
    assert len(acks.ids["node"]) == ROOM == store.count("node")  # exactly the room: none lost, none beyond
    assert store.count("info") == len(acks.ids["info"]) == ROOM
    for info_id, contents in acks.infos.items():
        assert store.get("info", info_id).contents == contents
    # a node transmits to its successor in the chain, if it already had one: at most ROOM - 1
    assert store.count("transmission") == len(acks.ids["transmission"]) <= ROOM - 1
    assert sorted(acks.completed) == sorted(acks.ids["participant"])
    assert {p.status for p in store.rows("participant")} == {"approved"}
    assert audit(store) == []
