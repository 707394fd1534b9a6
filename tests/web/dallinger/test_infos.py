"""Infos: create, read one, a node's own and received infos, tracking events (spec 4.11–4.14, 4.19)."""

from __future__ import annotations

import pytest

from simlab import TrackingEvent

from .helpers import BASE, INFO_KEYS, assert_error, assert_param_error, ids


async def test_create_info_answers_info_json(client, build):
    await build.agent()
    resp = await client.post("/info/1", data={"contents": "hello"})
    assert resp.status_code == 200
    assert list(resp.json()) == ["status", "info"]
    info = resp.json()["info"]
    assert list(info) == INFO_KEYS
    assert (info["id"], info["type"], info["origin_id"], info["network_id"], info["contents"]) == (
        1, "info", 1, 1, "hello",
    )
    assert (info["failed"], info["failed_reason"], info["time_of_death"], info["object_type"]) == (
        False, None, None, "Info",
    )


async def test_create_info_properties_details_and_type(build):
    await build.agent()
    info = await build.info(1, contents="m", info_type="Meme", details='{"x": 1}', property1="a", property4="")
    assert (info["type"], info["details"], info["property1"], info["property4"]) == ("meme", {"x": 1}, "a", None)


async def test_create_info_empty_contents_allowed(build):
    await build.agent()
    assert (await build.info(1, contents=""))["contents"] == ""


async def test_create_info_from_query_string(client, build):
    await build.agent()
    resp = await client.post("/info/1?contents=viaquery")
    assert resp.json()["info"]["contents"] == "viaquery"


async def test_create_info_ignores_a_json_body_as_dallinger_does(client, build):
    await build.agent()
    resp = await client.post("/info/1", json={"contents": "j", "info_type": "Gene"})
    message = assert_param_error(resp)
    assert message == f"{BASE}/info/1 POST request, contents not specified"
    assert build.store.count("info") == 0


async def test_create_info_contents_checked_before_node(client):
    message = assert_param_error(await client.post("/info/999"))
    assert message == f"{BASE}/info/999 POST request, contents not specified"


async def test_create_info_unknown_type_then_unknown_node(client):
    message = assert_param_error(await client.post("/info/999?info_type=Bogus", data={"contents": "x"}))
    assert message == f"{BASE}/info/999?info_type=Bogus POST request, unknown_class: Bogus for parameter info_type"
    assert_error(await client.post("/info/999", data={"contents": "x"}), 400, "/info POST, node does not exist")


async def test_create_info_non_info_class_is_403(client, build):
    await build.agent()
    before = build.counts()
    assert_error(await client.post("/info/1", data={"contents": "x", "info_type": "Node"}), 403,
                 "/info POST server error")
    assert build.counts() == before


@pytest.mark.parametrize("value", ["true", "1", "all", "yes"])
async def test_create_info_non_boolean_failed_is_400(client, build, value):
    # Dallinger: 500 (spec 4.11, 9.3); simlab: 400 naming failed and the value.
    await build.agent()
    before = build.counts()
    message = assert_param_error(await client.post("/info/1", data={"contents": "x", "failed": value}))
    assert message == f"{BASE}/info/1 POST request, non-boolean failed: {value}"
    assert build.counts() == before


async def test_failed_true_creates_a_failed_info_on_live_or_failed_node(client, build):
    await build.agent()
    info = await build.info(1, failed="True")
    assert (info["failed"], info["failed_reason"], info["time_of_death"]) == (True, None, None)
    build.store.get("node", 1).fail()
    assert (await build.info(1, failed="True"))["failed"] is True


async def test_failed_node_refuses_live_info(client, build):
    await build.agent()
    build.store.get("node", 1).fail()
    before = build.counts()
    assert_error(await client.post("/info/1", data={"contents": "x"}), 403, "/info POST server error")
    assert build.counts() == before


# ----------------------------------------------------------- GET one info


async def test_get_own_info_including_failed(build):
    await build.agent()
    info = await build.info(1)
    assert await build.get(f"/info/1/{info['id']}", "info") == info
    failed = await build.info(1, failed="True")
    assert (await build.get(f"/info/1/{failed['id']}", "info"))["failed"] is True


async def test_get_info_errors(client, build):
    assert_error(await client.get("/info/999/999"), 400, "/info, node does not exist")
    await build.chain(2)
    assert_error(await client.get("/info/1/999"), 400, "/info GET, info does not exist")
    theirs = await build.info(2)
    assert_error(await client.get(f"/info/1/{theirs['id']}"), 403, "/info GET, forbidden info")


# ------------------------------------------------------------ node infos


async def test_node_infos_lists_live_own_infos_by_type(client, build):
    await build.chain(2)
    a = await build.info(1, contents="a")
    m = await build.info(1, contents="m", info_type="Meme")
    await build.info(1, failed="True")
    await build.info(2)
    resp = await client.get("/node/1/infos")
    assert list(resp.json()) == ["status", "infos"]
    assert resp.json()["infos"] == [a, m]
    assert await build.get("/node/1/infos", "infos", info_type="Meme") == [m]
    assert await build.get("/node/1/infos", "infos", info_type="Gene") == []


async def test_node_infos_errors(client, build):
    message = assert_param_error(await client.get("/node/999/infos?info_type=Bogus"))
    assert message.endswith("unknown_class: Bogus for parameter info_type")
    assert_error(await client.get("/node/999/infos"), 400, "/node/infos, node does not exist")
    await build.agent()
    assert_error(await client.get("/node/1/infos?info_type=Node"), 403, "/node/infos GET server error")


# -------------------------------------------------------- received infos


async def test_received_infos_distinct_and_typed(build):
    await build.chain(2)
    info = await build.info(1)
    meme = await build.info(1, info_type="Meme", contents="m")
    await build.transmit(1, what=str(info["id"]))
    await build.transmit(1, what=str(info["id"]))
    await build.transmit(1, what=str(meme["id"]))
    assert await build.get("/node/2/received_infos", "infos") == []
    await build.receive(2)
    got = await build.get("/node/2/received_infos", "infos")
    assert ids(got) == [info["id"], meme["id"]]
    assert all(list(i) == INFO_KEYS for i in got)
    assert ids(await build.get("/node/2/received_infos", "infos", info_type="Meme")) == [meme["id"]]


async def test_received_infos_errors(client):
    assert_error(await client.get("/node/999/received_infos"), 400, "/node/infos, node 999 does not exist")
    message = assert_param_error(await client.get("/node/999/received_infos?info_type=Bogus"))
    assert message.endswith("unknown_class: Bogus for parameter info_type")


async def test_received_infos_non_info_type_is_400(client, build):
    # Dallinger: 500 (spec 9.14); simlab: 400 naming the parameter.
    await build.agent()
    assert_param_error(await client.get("/node/1/received_infos?info_type=Node"), "info_type", "Node")


# -------------------------------------------------------- tracking events


@pytest.mark.parametrize(("data", "details"), [(None, None), ({"details": '{"event": "click", "n": 2}'},
                                                              {"event": "click", "n": 2})])
async def test_tracking_event_records_an_info_without_contents(client, build, data, details):
    await build.agent()
    resp = await client.post("/tracking_event/1", data=data)
    assert resp.status_code == 200
    assert resp.json() == {"status": "success", "details": details}
    assert list(resp.json()) == ["status", "details"]
    (event,) = build.store.get("node", 1).infos(type=TrackingEvent)
    assert (event.type, event.contents, event.details) == ("tracking", None, details or {})
    net = await build.get("/network/1", "network")
    assert (net["n_pending_infos"], net["n_completed_infos"]) == (1, 0)


async def test_tracking_event_unknown_node_uses_the_info_message(client):
    assert_error(await client.post("/tracking_event/999"), 400, "/info POST, node does not exist")
