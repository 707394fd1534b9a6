"""The fast path answers exactly what the Quart handlers answer, and defers everything else."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import httpx

from simlab import FullyConnected, Settings
from simlab.domain import Experiment
from simlab.store import GraphStore
from simlab.web import create_app


class Network(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return FullyConnected(max_size=4)


def fixed_clock() -> object:
    ticks = itertools.count()
    start = datetime(2026, 1, 1, 12, 0, 0)
    return lambda: start + timedelta(milliseconds=next(ticks))


REQUESTS = [
    ("POST", "/launch", {}),
    ("POST", "/participant/w1/h/a1/debug", {}),
    ("POST", "/participant/w2/h/a2/debug", {}),
    ("POST", "/participant/w3/h/a3/debug", {}),
    ("POST", "/node/1", {}),
    ("POST", "/node/2", {}),
    ("POST", "/node/3", {}),
    ("POST", "/info/1", {"data": {"contents": "hello"}}),
    ("POST", "/info/1", {"data": {"contents": ""}}),
    ("POST", "/info/2", {"data": {"contents": "x", "property1": "p"}}),  # deferred: a field it does not read
    ("POST", "/info/99", {"data": {"contents": "x"}}),  # deferred: unknown node -> Quart's 400
    ("POST", "/info/1", {}),  # deferred: contents missing
    ("POST", "/node/1/transmit", {"data": {"what": "1", "to_whom": "2"}}),
    ("POST", "/node/1/transmit", {}),
    ("POST", "/node/1/transmit", {"data": {"what": "99"}}),  # deferred: unknown info
    ("POST", "/node/1/transmit", {"data": {"what": "Info"}}),  # deferred: a class name
    ("POST", "/node/2/transmit", {"data": {"what": "1"}}),  # deferred: another node's info -> server error
    ("GET", "/node/2/transmissions?status=pending", {}),
    ("GET", "/node/3/transmissions", {}),
    ("GET", "/node/1/transmissions?direction=outgoing", {}),
    ("GET", "/node/1/transmissions?direction=sideways", {}),  # deferred: Quart's 400
    ("GET", "/node/2/received_infos", {}),
    ("GET", "/node/2/received_infos?info_type=Node", {}),  # deferred
    ("GET", "/node/77/received_infos", {}),  # deferred
    ("GET", "/health", {}),
]


async def run_all(fast: bool) -> list[tuple[int, str, str]]:
    app = create_app(Network, settings=Settings(fast_path=fast, seed=3), store=GraphStore(clock=fixed_clock()))
    out = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        for method, url, kwargs in REQUESTS:
            r = await client.request(method, url, **kwargs)
            out.append((r.status_code, r.headers.get("content-type", ""), r.text))
            if url.startswith("/info/1") and r.status_code == 200:
                assert r.headers["access-control-allow-origin"] == "*"
    return out


async def test_fast_path_and_quart_answer_the_same() -> None:
    fast, slow = await run_all(True), await run_all(False)
    for request, a, b in zip(REQUESTS, fast, slow):
        assert a == b, request
    statuses = [status for status, _, _ in fast]
    assert statuses.count(200) >= 15 and 400 in statuses


async def test_fast_path_is_used_for_plain_success() -> None:
    app = create_app(Network)
    assert app.fast_path is not None
    calls = []
    original = app.fast_path._dispatch

    def spy(*args: object) -> object:
        result = original(*args)
        calls.append(args[1])
        return result

    app.fast_path._dispatch = spy  # type: ignore[method-assign]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        await client.post("/launch")
        await client.post("/participant/w/h/a/debug")
        await client.post("/node/1")
        assert (await client.post("/info/1", data={"contents": "c"})).status_code == 200
        assert (await client.post("/node/1/transmit")).status_code == 200
    assert calls == ["/info/1", "/node/1/transmit"]


async def test_protected_routes_are_left_to_quart() -> None:
    class Protected(Network):
        config = {"protected_routes": ["/node/<int:node_id>/transmit"]}

    app = create_app(Protected)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        await client.post("/launch")
        await client.post("/participant/w/h/a/debug")
        await client.post("/node/1")
        assert (await client.post("/node/1/transmit")).status_code == 401


async def test_a_failed_journal_is_a_503_and_the_write_is_not_redone() -> None:
    from simlab.persistence.journal import JournalFailed

    class BrokenJournal:
        def request_needs_wait(self) -> int:
            return 1

        def visible_seq(self) -> int:
            return 1

        async def wait_durable(self, *seqs: int) -> None:
            raise JournalFailed("disk full")

    app = create_app(Network)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        await client.post("/launch")
        await client.post("/participant/w/h/a/debug")
        await client.post("/participant/w2/h/a2/debug")
        await client.post("/node/1")
        await client.post("/node/2")
        await client.post("/info/1", data={"contents": "c"})
        assert app.fast_path is not None
        app.fast_path.journal = BrokenJournal()
        response = await client.post("/node/1/transmit", data={"what": "1", "to_whom": "2"})
    assert response.status_code == 503 and "disk full" in response.text
    assert app.extensions["simlab"].store.count("transmission") == 1
