"""The eight network types wired through ``POST /node`` and node assignment (spec 7.1, 7.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from simlab import (
    Agent,
    Burst,
    Chain,
    DelayedChain,
    DiscreteGenerational,
    Empty,
    Experiment,
    FullyConnected,
    ScaleFree,
    SequentialMicrosociety,
    Settings,
    Star,
)
from simlab.web import create_app

from .helpers import BASE, Builder, ids


@asynccontextmanager
async def served(exp_class: type[Experiment], seed: int = 1) -> AsyncIterator[tuple[httpx.AsyncClient, Builder, Any]]:
    """A launched app for ``exp_class`` with an in-process client and a builder."""
    app = create_app(exp_class, settings=Settings(seed=seed))
    exp = app.extensions["simlab"].exp
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        assert (await client.post("/launch")).status_code == 200
        yield client, Builder(client, exp), exp


def experiment_of(factory: Any, *, practice: int = 0, repeats: int = 1, node_class: Any = None) -> type[Experiment]:
    attrs: dict[str, Any] = {
        "experiment_repeats": repeats,
        "practice_repeats": practice,
        "create_network": lambda self: factory(),
    }
    if node_class is not None:
        attrs["create_node"] = lambda self, participant, network: node_class(network=network, participant=participant)
    return type(f"{factory.__name__ if hasattr(factory, '__name__') else 'Net'}Experiment", (Experiment,), attrs)


def edges(store: Any) -> set[tuple[int, int]]:
    return {(v.origin_id, v.destination_id) for v in store.rows("vector") if not v.failed}


def star(n: int) -> set[tuple[int, int]]:
    return {(1, k) for k in range(2, n + 1)} | {(k, 1) for k in range(2, n + 1)}


WIRING = [
    (Empty, 5, set()),
    (Chain, 5, {(1, 2), (2, 3), (3, 4), (4, 5)}),
    (DelayedChain, 14, {(11, 12), (12, 13), (13, 14)}),
    (FullyConnected, 4, {(a, b) for a in range(1, 5) for b in range(1, 5) if a != b}),
    (Star, 5, star(5)),
    (Burst, 5, {(1, k) for k in range(2, 6)}),
    (lambda: SequentialMicrosociety(n=3), 5, {(1, 2), (1, 3), (2, 3), (2, 4), (3, 4), (3, 5), (4, 5)}),
]


@pytest.mark.parametrize(("factory", "n", "expected"), WIRING, ids=[
    "empty", "chain", "delayed_chain", "fully-connected", "star", "burst", "microsociety"])
async def test_wiring_through_post_node(factory, n, expected):
    exp_class = experiment_of(factory)
    async with served(exp_class, seed=3) as (client, build, exp):
        nodes = await build.chain(n)
        assert [node["id"] for node in nodes] == list(range(1, n + 1))
        assert edges(exp.store) == expected
        for node in nodes:
            to = await build.get(f"/node/{node['id']}/neighbors", "nodes")
            assert ids(to) == sorted(b for a, b in expected if a == node["id"])


@pytest.mark.parametrize(("m0", "m"), [(2, 1), (3, 2)])
async def test_scale_free_through_post_node(m0, m):
    async with served(experiment_of(lambda: ScaleFree(m0=m0, m=m)), seed=5) as (_, build, exp):
        n = 12
        await build.chain(n)
    wired = edges(exp.store)
    assert all((b, a) in wired for a, b in wired), "scale-free links are both ways"
    assert {(a, b) for a, b in wired if a <= m0 and b <= m0} == {
        (a, b) for a in range(1, m0 + 1) for b in range(1, m0 + 1) if a != b
    }
    for k in range(m0 + 1, n + 1):
        earlier = {b for a, b in wired if a == k and b < k}
        assert len(earlier) == m, (k, earlier)
    assert len(wired) == m0 * (m0 - 1) + 2 * m * (n - m0)


async def test_discrete_generational_through_post_node():
    factory = lambda: DiscreteGenerational(generations=3, generation_size=2, initial_source=False)  # noqa: E731
    async with served(experiment_of(factory, node_class=Agent), seed=7) as (client, build, exp):
        nodes = await build.chain(6)
        net = await build.get("/network/1", "network")
        assert (net["type"], net["max_size"], net["full"]) == ("discrete-generational", 6, True)
        assert (net["property1"], net["property2"], net["property3"]) == ("3", "2", "False")
        assert {n["type"] for n in nodes} == {"agent"}
        p = await build.participant()
        assert (await client.post(f"/node/{p['id']}")).status_code == 403
    wired = edges(exp.store)
    generation = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2}
    for child in range(3, 7):
        parents = [a for a, b in wired if b == child]
        assert len(parents) == 1
        assert generation[parents[0]] == generation[child] - 1
    assert not any(b in (1, 2) for _, b in wired)


# ------------------------------------------------------------ assignment


async def test_practice_networks_come_first():
    async with served(experiment_of(Chain, practice=1, repeats=2), seed=11) as (client, build, _):
        roles = [(await build.get(f"/network/{i}", "network"))["role"] for i in (1, 2, 3)]
        assert roles == ["practice", "experiment", "experiment"]
        for _ in range(3):
            p = await build.participant()
            first = await build.node(p["id"])
            assert first["network_id"] == 1
            second = await build.node(p["id"])
            third = await build.node(p["id"])
            assert {second["network_id"], third["network_id"]} == {2, 3}
            assert (await client.post(f"/node/{p['id']}")).status_code == 403


async def test_practice_is_preferred_even_with_a_higher_id(build, exp):
    # A practice network added after the experiment one still comes first.
    practice = Chain()
    practice.role = "practice"
    exp.store.add(practice)
    p = await build.participant()
    assert (await build.node(p["id"]))["network_id"] == practice.id
    assert (await build.node(p["id"]))["network_id"] == 1


async def test_full_networks_are_skipped(build, exp):
    exp.store.get("network", 1).full = True
    other = exp.store.add(Chain(max_size=3))
    p = await build.participant()
    assert (await build.node(p["id"]))["network_id"] == other.id


async def test_non_practice_networks_are_chosen_at_random():
    async with served(experiment_of(Empty, repeats=4), seed=13) as (_, build, _exp):
        chosen = {(await build.agent())["network_id"] for _ in range(24)}
    assert len(chosen) > 1
    assert chosen <= {1, 2, 3, 4}
