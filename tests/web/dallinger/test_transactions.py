"""Experiment hooks that raise: the route's error and no partial write (spec 4.*, appendix)."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Chain, Experiment

from .helpers import assert_error


class HookExperiment(Experiment):
    """Every request hook raises when its name is in ``broken``."""

    experiment_repeats = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.broken: set[str] = set()

    def create_network(self) -> Any:
        return Chain()

    def _check(self, name: str) -> None:
        if name in self.broken:
            raise RuntimeError(f"{name} is broken")

    def node_post_request(self, participant: Any, node: Any) -> None:
        self._check("node_post_request")

    def node_get_request(self, node: Any, nodes: Any) -> None:
        self._check("node_get_request")

    def vector_post_request(self, node: Any, vectors: Any) -> None:
        self._check("vector_post_request")

    def vector_get_request(self, node: Any, vectors: Any) -> None:
        self._check("vector_get_request")

    def info_post_request(self, node: Any, info: Any) -> None:
        self._check("info_post_request")

    def info_get_request(self, node: Any, infos: Any) -> None:
        self._check("info_get_request")

    def transmission_post_request(self, node: Any, transmissions: Any) -> None:
        self._check("transmission_post_request")

    def transmission_get_request(self, node: Any, transmissions: Any) -> None:
        self._check("transmission_get_request")

    def transformation_post_request(self, node: Any, transformation: Any) -> None:
        self._check("transformation_post_request")

    def transformation_get_request(self, node: Any, transformations: Any) -> None:
        self._check("transformation_get_request")


pytestmark = pytest.mark.parametrize("experiment_class", [HookExperiment])


async def _setup(build):
    """Chain 1 → 2 → 3; info 1 on node 1 received by node 2; info 2 on node 2; info 3 on node 1 pending at 2."""
    await build.chain(3)
    await build.info(1)
    await build.transmit(1, to_whom="2")
    await build.receive(2)
    await build.info(2)
    await build.info(1, contents="later")
    await build.transmit(1, what="3")


def _snapshot(store: Any) -> Any:
    return (
        store.statistics(),
        [(t.id, t.status, t.receive_time) for t in store.rows("transmission")],
        [(n.id, n.failed, n.details) for n in store.rows("network")],
    )


@pytest.mark.parametrize(
    ("hook", "method", "url", "status", "message"),
    [
        ("node_get_request", "GET", "/node/2/neighbors", 400, "exp.node_get_request"),
        ("vector_get_request", "GET", "/node/2/vectors", 403, "/node/vectors GET server error"),
        ("vector_post_request", "POST", "/node/1/connect/3", 403, "/vector POST server error"),
        ("info_post_request", "POST", "/info/1?contents=x", 403, "/info POST server error"),
        ("info_get_request", "GET", "/info/2/1", 403, "/info GET server error"),
        ("info_get_request", "GET", "/node/2/infos", 403, "/node/infos GET server error"),
        ("info_get_request", "GET", "/node/2/received_infos", 403, "info_get_request error"),
        ("transmission_post_request", "POST", "/node/1/transmit", 400, "/node/transmit POST, server error"),
        ("transmission_get_request", "GET", "/node/2/transmissions", 403, "/node/transmissions GET server error"),
        ("transformation_post_request", "POST", "/transformation/2/1/2", 400, "/transformation POST failed"),
        ("transformation_get_request", "GET", "/node/2/transformations", 400, "/node/transformations GET failed"),
    ],
)
async def test_hook_errors_answer_the_route_error_and_write_nothing(client, build, exp, hook, method, url, status,
                                                                   message):
    await _setup(build)
    exp.broken.add(hook)
    before = _snapshot(build.store)
    resp = await client.request(method, url)
    assert_error(resp, status, message)
    assert _snapshot(build.store) == before


async def test_failed_transmit_hook_stores_no_transmission(client, build, exp):
    await build.chain(2)
    await build.info(1)
    await build.info(1)
    exp.broken.add("transmission_post_request")
    resp = await client.post("/node/1/transmit", data={"property1": "p"})
    assert_error(resp, 400, "/node/transmit POST, server error")
    assert build.store.count("transmission") == 0
    assert build.store.node_index(2).pending_in == {}
    assert await build.get("/node/1/transmissions", "transmissions", direction="outgoing") == []


async def test_failed_receive_hook_leaves_transmissions_pending(client, build, exp):
    await _setup(build)
    exp.broken.add("transmission_get_request")
    await client.get("/node/2/transmissions")
    pending = [t for t in build.store.rows("transmission") if t.status == "pending"]
    assert [t.info_id for t in pending] == [3]
    exp.broken.clear()
    assert [i["id"] for i in await build.get("/node/2/received_infos", "infos")] == [1]


async def test_failed_node_hook_leaves_no_node_and_network_not_full(client, build, exp):
    exp.store.get("network", 1).max_size = 1
    p = await build.participant()
    exp.broken.add("node_post_request")
    before = _snapshot(build.store)
    resp = await client.post(f"/node/{p['id']}")
    assert resp.status_code in (403, 500)
    assert_error(resp, resp.status_code)
    assert _snapshot(build.store) == before
    assert build.store.graph.number_of_nodes() == 0
    exp.broken.clear()
    await build.node(p["id"])
    assert build.store.count("node") == 1
    assert (await build.get("/network/1", "network"))["full"] is True
