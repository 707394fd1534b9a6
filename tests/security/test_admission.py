"""What anonymous clients may store is bounded: value size, bytes per minute, memory (issue 21, case 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import trio

from simlab import Chain, Experiment, Settings
from simlab.domain.admission import Admission, Limits
from simlab.web import create_app

BASE = "http://127.0.0.1:5000"
REMOTE = ("203.0.113.7", 40000)


class OneChain(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain(max_size=50)


@asynccontextmanager
async def client_for(settings: Settings, address: tuple[str, int] = REMOTE) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    app = create_app(OneChain, settings=settings)
    transport = httpx.ASGITransport(app=app, client=address)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        assert (await client.post("/launch")).status_code == 200
        yield client, app.extensions["simlab"].store


async def new_node(client: httpx.AsyncClient, n: int) -> int:
    pid = (await client.post(f"/participant/w{n}/h/a{n}/debug")).json()["participant"]["id"]
    return int((await client.post(f"/node/{pid}")).json()["node"]["id"])


def assert_refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body["status"] == "error" and words in body["message"], body["message"]
    assert 'id="error-response"' in body["html"]


async def test_a_value_past_the_size_limit_is_refused_and_not_stored() -> None:
    async with client_for(Settings(max_value_bytes=10_000)) as (client, store):
        node = await new_node(client, 1)
        assert (await client.post(f"/info/{node}", data={"contents": "a" * 10_000})).status_code == 200
        refused = await client.post(f"/info/{node}", data={"contents": "a" * 10_001})
        assert_refused(refused, 413, "info.contents is 10001 bytes, more than the 10000 allowed")
        assert store.count("info") == 1
        big_property = await client.post(f"/info/{node}", data={"contents": "x", "property1": "p" * 20_000})
        assert_refused(big_property, 413, "info.property1")
        error = await client.post("/handle-error", data={"error_feedback": "f" * 20_000})
        assert_refused(error, 413, "notification.details")
        assert store.count("info") == 1 and store.count("notification") == 0


async def test_one_participant_gets_a_budget_per_minute(autojump_clock: Any) -> None:
    settings = Settings(participant_bytes_per_minute=100_000, max_value_bytes=50_000, address_bytes_per_minute=0)
    async with client_for(settings) as (client, store):
        node = await new_node(client, 1)
        for _ in range(2):
            assert (await client.post(f"/info/{node}", data={"contents": "a" * 40_000})).status_code == 200
        refused = await client.post(f"/info/{node}", data={"contents": "a" * 40_000})
        assert_refused(refused, 429, "stored more than 100000 bytes in a minute")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert store.count("info") == 2
        other = await new_node(client, 2)  # another participant has its own budget
        assert (await client.post(f"/info/{other}", data={"contents": "a" * 40_000})).status_code == 200
        await trio.sleep(int(refused.headers["retry-after"]))  # the budget refills with (virtual) time
        assert (await client.post(f"/info/{node}", data={"contents": "a" * 40_000})).status_code == 200


async def test_participant_less_writes_are_bounded_per_address(autojump_clock: Any) -> None:
    settings = Settings(address_bytes_per_minute=100_000)
    async with client_for(settings) as (client, store):
        for _ in range(2):
            assert (await client.post("/handle-error", data={"error_feedback": "f" * 40_000})).status_code == 200
        refused = await client.post("/handle-error", data={"error_feedback": "f" * 40_000})
        assert_refused(refused, 429, "client 203.0.113.7 stored more than 100000 bytes in a minute")
        assert refused.headers["retry-after"]
        assert store.count("notification") == 2
    async with client_for(settings, address=("127.0.0.1", 4000)) as (client, store):
        for _ in range(4):  # loopback (a load test on this machine) is exempt from the address limit
            assert (await client.post("/handle-error", data={"error_feedback": "f" * 40_000})).status_code == 200


async def test_past_the_memory_high_water_mark_writes_get_503_and_reads_go_on() -> None:
    async with client_for(Settings()) as (client, store):
        store.admission = Admission(store, Limits(memory_high_water_bytes=1), trio.current_time)  # any process is past 1 byte
        refused = await client.post("/participant/w9/h/a9/debug")
        assert_refused(refused, 503, "low on memory")
        assert refused.headers["retry-after"]
        assert store.count("participant") == 0
        assert (await client.get("/summary")).status_code == 200


async def test_the_fast_path_refuses_as_quart_does() -> None:
    async with client_for(Settings(max_value_bytes=100)) as (client, store):
        node = await new_node(client, 1)
        refused = await client.post(f"/info/{node}", data={"contents": "a" * 101})  # the fast path's route
        assert_refused(refused, 413, "info.contents")
        assert store.count("info") == 0
