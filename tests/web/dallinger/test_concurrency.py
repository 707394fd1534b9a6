"""Concurrent node creation keeps max_size and each network's wiring exact (spec 8, 9.15)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import trio

from simlab import Chain, Experiment, FullyConnected

from .helpers import BASE


class Chain50(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain(max_size=50)


class Fully50(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return FullyConnected(max_size=50)


async def _create_concurrently(client: httpx.AsyncClient, n: int) -> list[int]:
    pids: list[int] = []
    statuses: list[int] = []

    async def sign_up(i: int) -> None:
        resp = await client.post(f"/participant/W{i}/H{i}/A{i}/debug")
        assert resp.status_code == 200, resp.text
        pids.append(resp.json()["participant"]["id"])

    async def join(pid: int) -> None:
        resp = await client.post(f"/node/{pid}")
        statuses.append(resp.status_code)
        if resp.status_code == 403:
            assert resp.json() == {"status": "error"}
        else:
            assert resp.status_code == 200, resp.text

    async with trio.open_nursery() as nursery:
        for i in range(n):
            nursery.start_soon(sign_up, i)
    assert sorted(pids) == list(range(1, n + 1))
    async with trio.open_nursery() as nursery:
        for pid in pids:
            nursery.start_soon(join, pid)
    return statuses


def _no_orphans(store: Any, node_ids: set[int]) -> None:
    for v in store.rows("vector"):
        assert v.origin_id in node_ids and v.destination_id in node_ids
        assert v.network_id == 1
        assert not v.failed


@pytest.mark.parametrize("experiment_class", [Chain50])
async def test_200_concurrent_nodes_on_a_chain(client, exp):
    statuses = await _create_concurrently(client, 200)
    assert statuses.count(200) == 50
    assert statuses.count(403) == 150
    store = exp.store
    nodes = sorted(store.rows("node"), key=lambda n: n.id)
    assert len(nodes) == 50
    assert len({n.participant_id for n in nodes}) == 50
    node_ids = {n.id for n in nodes}
    _no_orphans(store, node_ids)
    assert store.count("vector") == 49
    for previous, node in zip(nodes, nodes[1:]):
        incoming = node.vectors(direction="incoming")
        assert [(v.origin_id, v.destination_id) for v in incoming] == [(previous.id, node.id)]
        assert len(previous.vectors(direction="outgoing")) == 1
    assert nodes[0].vectors(direction="incoming") == []
    assert nodes[-1].vectors(direction="outgoing") == []
    net = (await client.get("/network/1")).json()["network"]
    assert (net["n_alive_nodes"], net["full"]) == (50, True)


@pytest.mark.parametrize("experiment_class", [Fully50])
async def test_200_concurrent_nodes_fully_connected(client, exp):
    statuses = await _create_concurrently(client, 200)
    assert statuses.count(200) == 50
    store = exp.store
    node_ids = {n.id for n in store.rows("node")}
    assert len(node_ids) == 50
    _no_orphans(store, node_ids)
    pairs = [(v.origin_id, v.destination_id) for v in store.rows("vector")]
    assert len(pairs) == len(set(pairs)) == 50 * 49
    assert set(pairs) == {(a, b) for a in node_ids for b in node_ids if a != b}
