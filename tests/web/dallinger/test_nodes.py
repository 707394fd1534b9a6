"""Node creation, neighbours, vectors and connect: spec 4.7–4.10, 9.1, 9.3, 9.6."""

from __future__ import annotations

import pytest

from simlab import Chain, Empty, Experiment

from .helpers import NODE_KEYS, VECTOR_KEYS, assert_error, assert_param_error, ids


class EmptyExperiment(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Empty:
        return Empty()


class TwoEmptyExperiment(EmptyExperiment):
    experiment_repeats = 2


class TinyChainExperiment(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Chain:
        return Chain(max_size=2)


async def test_create_node_answers_node_json(client, build):
    p = await build.participant()
    resp = await client.post(f"/node/{p['id']}")
    assert resp.status_code == 200
    assert list(resp.json()) == ["status", "node"]
    node = resp.json()["node"]
    assert list(node) == NODE_KEYS
    assert (node["id"], node["type"], node["network_id"], node["participant_id"], node["object_type"]) == (
        1, "node", 1, p["id"], "Node",
    )
    assert (node["failed"], node["failed_reason"], node["time_of_death"], node["details"]) == (False, None, None, {})


async def test_create_node_assigns_details_and_truthy_properties(build):
    p = await build.participant()
    node = await build.node(p["id"], details='{"a": [1, 2]}', property1="x", property2="", property5="5")
    assert node["details"] == {"a": [1, 2]}
    assert (node["property1"], node["property2"], node["property5"]) == ("x", None, "5")


async def test_create_node_reads_the_query_string_too(client, build):
    p = await build.participant()
    resp = await client.post(f"/node/{p['id']}?property3=q")
    assert resp.json()["node"]["property3"] == "q"


async def test_create_node_unknown_participant_is_403(client, build):
    before = build.counts()
    assert_error(await client.post("/node/999"), 403, "/node POST no participant found")
    assert build.counts() == before


@pytest.mark.parametrize("status", ["approved", "abandoned"])
async def test_create_node_needs_a_working_participant(client, build, status):
    p = await build.participant()
    if status == "approved":
        await client.get("/worker_complete", params={"participant_id": p["id"]})
    else:
        await client.post("/notifications", data={"Event.1.EventType": "AssignmentAbandoned",
                                                  "Event.1.AssignmentId": p["assignment_id"]})
    before = build.counts()
    resp = await client.post(f"/node/{p['id']}")
    fields = assert_error(resp, 400, f"/node POST, status = {status}")
    assert fields["participant_id"] == str(p["id"])
    assert fields["worker_id"] == f"w{p['id']}"
    assert build.counts() == before


async def _assert_bare_403(resp):
    assert resp.status_code == 403
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.json() == {"status": "error"}


@pytest.mark.parametrize("experiment_class", [Experiment])
async def test_base_experiment_has_no_network_so_node_is_bare_403(client, build):
    p = await build.participant()
    await _assert_bare_403(await client.post(f"/node/{p['id']}"))
    assert build.store.count("node") == 0


@pytest.mark.parametrize("experiment_class", [TinyChainExperiment])
async def test_full_network_gives_bare_403_and_full_is_recomputed(client, build):
    first = await build.agent()
    assert (await build.get("/network/1", "network"))["full"] is False
    await build.agent()
    assert (await build.get("/network/1", "network"))["full"] is True
    p = await build.participant()
    await _assert_bare_403(await client.post(f"/node/{p['id']}"))
    # Failing a node later does not reopen the network (spec 6.1).
    build.store.get("node", first["id"]).fail()
    net = await build.get("/network/1", "network")
    assert (net["full"], net["n_alive_nodes"], net["n_failed_nodes"]) == (True, 1, 1)
    await _assert_bare_403(await client.post(f"/node/{p['id']}"))


@pytest.mark.parametrize("experiment_class", [TwoEmptyExperiment])
async def test_participant_gets_one_node_per_network_then_bare_403(client, build):
    p = await build.participant()
    a = await build.node(p["id"])
    b = await build.node(p["id"])
    assert {a["network_id"], b["network_id"]} == {1, 2}
    await _assert_bare_403(await client.post(f"/node/{p['id']}"))


@pytest.mark.parametrize("experiment_class", [TwoEmptyExperiment])
async def test_failed_nodes_still_count_as_joined(client, build):
    p = await build.participant()
    a = await build.node(p["id"])
    build.store.get("node", a["id"]).fail()
    b = await build.node(p["id"])
    assert b["network_id"] != a["network_id"]
    await _assert_bare_403(await client.post(f"/node/{p['id']}"))


# ---------------------------------------------------------------- neighbors


@pytest.mark.parametrize(
    ("connection", "expected"), [(None, [3]), ("to", [3]), ("from", [1]), ("either", [1, 3]), ("both", [])]
)
async def test_neighbors_in_a_chain(client, build, connection, expected):
    await build.chain(3)
    params = {"connection": connection} if connection else {}
    resp = await client.get("/node/2/neighbors", params=params)
    assert resp.status_code == 200
    assert list(resp.json()) == ["status", "nodes"]
    nodes = resp.json()["nodes"]
    assert ids(nodes) == expected
    assert all(list(n) == NODE_KEYS for n in nodes)


async def test_neighbors_filter_by_node_type(build):
    await build.chain(2)
    assert await build.get("/node/1/neighbors", "nodes", node_type="Agent") == []
    assert ids(await build.get("/node/1/neighbors", "nodes", node_type="Node")) == [2]


async def test_neighbors_skip_failed_vectors(build):
    await build.chain(3)
    build.store.get("node", 3).fail()
    assert await build.get("/node/2/neighbors", "nodes") == []


async def test_neighbors_unknown_node(client):
    resp = await client.get("/node/999/neighbors")
    assert_error(resp, 400, "/node/neighbors, node does not exist",
                 error_text="/node/999/neighbors, node 999 does not exist")


@pytest.mark.parametrize("failed", ["True", "False", "bogus"])
async def test_neighbors_refuses_any_failed_argument(client, build, failed):
    await build.agent()
    fields = assert_error(await client.get("/node/1/neighbors", params={"failed": failed}), 400, "node.neighbors")
    assert fields["error_text"].startswith("You should not pass a failed argument to neighbors().")


async def test_neighbors_unknown_node_type(client, build):
    await build.agent()
    message = assert_param_error(await client.get("/node/1/neighbors?node_type=Bogus"))
    assert message == "http://127.0.0.1:5000/node/1/neighbors?node_type=Bogus GET request, unknown_class: Bogus for parameter node_type"


@pytest.mark.parametrize(("query", "words"), [("connection=sideways", ["connection", "sideways"]),
                                              ("node_type=Info", ["node_type", "Info"])])
async def test_neighbors_bad_connection_or_non_node_type_is_400(client, build, query, words):
    # Dallinger: 500 (spec 9.3); simlab: 400 naming the parameter and value.
    await build.agent()
    assert_param_error(await client.get(f"/node/1/neighbors?{query}"), *words)


# ------------------------------------------------------------------ vectors


@pytest.mark.parametrize(("direction", "expected"), [(None, [1, 2]), ("all", [1, 2]), ("incoming", [1]),
                                                     ("outgoing", [2])])
async def test_vectors_by_direction(client, build, direction, expected):
    await build.chain(3)
    resp = await client.get("/node/2/vectors", params={"direction": direction} if direction else None)
    assert list(resp.json()) == ["status", "vectors"]
    vectors = resp.json()["vectors"]
    assert ids(vectors) == expected
    assert all(list(v) == VECTOR_KEYS for v in vectors)
    v1 = next(v for v in vectors if v["id"] == 1) if 1 in expected else None
    if v1:
        assert (v1["origin_id"], v1["destination_id"], v1["network_id"], v1["object_type"]) == (1, 2, 1, "Vector")


async def test_vectors_failed_true_lists_only_failed(build):
    await build.chain(3)
    build.store.get("node", 3).fail()
    assert ids(await build.get("/node/2/vectors", "vectors", failed="True")) == [2]
    assert ids(await build.get("/node/2/vectors", "vectors", failed="False")) == [1]


async def test_vectors_non_boolean_failed(client, build):
    await build.agent()
    message = assert_param_error(await client.get("/node/1/vectors?failed=all"))
    assert message == "http://127.0.0.1:5000/node/1/vectors?failed=all GET request, non-boolean failed: all"


async def test_vectors_unknown_node_and_bad_direction(client, build):
    assert_error(await client.get("/node/999/vectors"), 400, "/node/vectors, node does not exist")
    await build.agent()
    assert_error(await client.get("/node/1/vectors?direction=sideways"), 403, "/node/vectors GET server error")


# ------------------------------------------------------------------ connect


@pytest.mark.parametrize("experiment_class", [EmptyExperiment])
@pytest.mark.parametrize(
    ("direction", "edges"), [(None, {(1, 2)}), ("to", {(1, 2)}), ("from", {(2, 1)}), ("both", {(1, 2), (2, 1)})]
)
async def test_connect_creates_vectors_with_direction(client, build, direction, edges):
    await build.chain(2)
    data = {"direction": direction} if direction else {}
    resp = await client.post("/node/1/connect/2", data={**data, "property1": "p", "details": '{"k": 1}'})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    assert list(resp.json()) == ["status", "vectors"]
    vectors = resp.json()["vectors"]
    assert {(v["origin_id"], v["destination_id"]) for v in vectors} == edges
    assert all(list(v) == VECTOR_KEYS and v["property1"] == "p" and v["details"] == {"k": 1} for v in vectors)
    stored = build.store.rows("vector")
    assert {(v.origin_id, v.destination_id) for v in stored} == edges
    listed = await build.get("/node/1/vectors", "vectors")
    assert ids(listed) == ids(vectors)
    again = await client.post("/node/1/connect/2", data=data or None)
    assert again.json()["vectors"] == []


@pytest.mark.parametrize(("url", "message"), [("/node/999/connect/1", "/node/connect, node does not exist"),
                                              ("/node/1/connect/999", "/node/connect, other node does not exist")])
async def test_connect_unknown_nodes(client, build, url, message):
    await build.agent()
    assert_error(await client.post(url), 400, message)


async def test_connect_bad_direction_is_400_and_escaped(client, build):
    await build.chain(2)
    resp = await client.post("/node/1/connect/2", data={"direction": "<script>alert(1)</script>"})
    assert_param_error(resp, "direction")
    assert "<script>alert(1)</script>" not in resp.json()["html"]
    assert "&lt;script&gt;" in resp.json()["html"]
    assert build.store.count("vector") == 1


@pytest.mark.parametrize("experiment_class", [TwoEmptyExperiment])
async def test_connect_across_networks_is_vector_error(client, build):
    a = await build.agent()
    b = await build.agent()
    if a["network_id"] == b["network_id"]:
        b = await build.node(b["participant_id"])
    assert_error(await client.post(f"/node/{a['id']}/connect/{b['id']}"), 403, "/vector POST server error")
    assert_error(await client.post(f"/node/{a['id']}/connect/{a['id']}"), 403, "/vector POST server error")
    assert build.store.count("vector") == 0


@pytest.mark.parametrize(("method", "url", "statuses"), [("GET", "/node/abc/neighbors", {404}),
                                                         ("GET", "/info/1/abc", {404}),
                                                         ("POST", "/info/abc", {404, 405}),
                                                         ("POST", "/node/1/connect/abc", {404, 405})])
async def test_non_integer_int_segments_miss_the_route(client, method, url, statuses):
    assert (await client.request(method, url)).status_code in statuses
