"""Transmit, transmissions, the pending→received flow and transformations (spec 4.15–4.18, 6.4, 9.2)."""

from __future__ import annotations

import pytest

from .helpers import BASE, TRANSFORMATION_KEYS, TRANSMISSION_KEYS, assert_error, assert_param_error, ids


async def test_transmit_defaults_send_every_info_to_every_to_neighbour(client, build):
    await build.chain(2)
    a = await build.info(1, contents="a")
    b = await build.info(1, contents="b")
    resp = await client.post("/node/1/transmit")
    assert resp.status_code == 200
    assert list(resp.json()) == ["status", "transmissions"]
    sent = resp.json()["transmissions"]
    assert sorted(t["info_id"] for t in sent) == [a["id"], b["id"]]
    for t in sent:
        assert list(t) == TRANSMISSION_KEYS
        assert (t["vector_id"], t["origin_id"], t["destination_id"], t["network_id"]) == (1, 1, 2, 1)
        assert (t["status"], t["receive_time"], t["failed"], t["object_type"]) == (
            "pending", None, False, "Transmission",
        )


async def test_transmit_by_id_and_by_class(build):
    await build.chain(3)
    await build.info(2, contents="plain")
    meme = await build.info(2, contents="m", info_type="Meme")
    sent = await build.transmit(2, what="Meme", to_whom="Node")
    assert [(t["info_id"], t["destination_id"]) for t in sent] == [(meme["id"], 3)]
    sent = await build.transmit(2, what=str(meme["id"]), to_whom="3", property2="p2")
    assert [(t["info_id"], t["destination_id"], t["property2"]) for t in sent] == [(meme["id"], 3, "p2")]


async def test_transmit_nothing_to_send_is_an_empty_success(build):
    await build.chain(2)
    assert await build.transmit(1) == []
    await build.info(2)
    assert await build.transmit(2) == []


@pytest.mark.parametrize(
    ("node", "data", "message"),
    [
        (999, {}, "/node/transmit, node does not exist"),
        (1, {"what": "999"}, "/node/transmit POST, info does not exist"),
        (1, {"what": "Bogus"}, "/node/transmit POST, Bogus not in experiment.known_classes"),
        (1, {"to_whom": "999"}, "/node/transmit POST, recipient Node does not exist"),
        (1, {"to_whom": "Bogus"}, "/node/transmit POST, Bogus not in experiment.known_classes"),
        (1, {"to_whom": "3"}, "/node/transmit POST, server error"),
        (1, {"what": "2"}, "/node/transmit POST, server error"),
        (2, {"to_whom": "1"}, "/node/transmit POST, server error"),
    ],
)
async def test_transmit_errors(client, build, node, data, message):
    await build.chain(3)
    await build.info(1)
    await build.info(2)
    before = build.counts()
    assert_error(await client.post(f"/node/{node}/transmit", data=data or None), 400, message)
    assert build.counts() == before


async def test_pending_then_received_flow(client, build):
    await build.chain(2)
    info = await build.info(1)
    mine = await build.info(2, contents="reply")
    (sent,) = await build.transmit(1)
    # While pending (spec 6.4 step 2).
    assert await build.get("/node/2/received_infos", "infos") == []
    assert_error(await client.get(f"/info/2/{info['id']}"), 403, "/info GET, forbidden info")
    assert await build.get("/node/2/transmissions", "transmissions", status="received") == []
    out = await build.get("/node/1/transmissions", "transmissions", direction="outgoing")
    assert [t["status"] for t in out] == ["pending"]
    assert_error(await client.post(f"/transformation/2/{info['id']}/{mine['id']}"), 400, "/transformation POST failed")
    assert build.store.get("transmission", sent["id"]).status == "pending"
    # Receive (step 3): the answer already shows them received.
    (got,) = await build.receive(2)
    assert (got["id"], got["status"]) == (sent["id"], "received")
    assert got["receive_time"] is not None
    # After (step 4).
    assert ids(await build.get("/node/2/received_infos", "infos")) == [info["id"]]
    assert (await build.get(f"/info/2/{info['id']}", "info"))["id"] == info["id"]
    out = await build.get("/node/1/transmissions", "transmissions", direction="outgoing")
    assert [t["status"] for t in out] == ["received"]
    resp = await client.post(f"/transformation/2/{info['id']}/{mine['id']}")
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    ("query", "receives"),
    [
        ({}, True),
        ({"direction": "incoming", "status": "all"}, True),
        ({"direction": "all"}, True),
        ({"direction": "all", "status": "pending"}, True),
        ({"status": "received"}, False),
        ({"direction": "outgoing"}, False),
        ({"direction": "outgoing", "status": "pending"}, False),
    ],
)
async def test_which_listings_receive(build, query, receives):
    await build.chain(2)
    await build.info(1)
    (sent,) = await build.transmit(1)
    await build.get("/node/2/transmissions", "transmissions", **query)
    assert build.store.get("transmission", sent["id"]).status == ("received" if receives else "pending")


async def test_status_pending_lists_rows_as_pending_but_receives_them(build):
    # Dallinger shows them "received" (spec 9.2); simlab lists them as selected.
    await build.chain(2)
    await build.info(1)
    (sent,) = await build.transmit(1)
    listed = await build.get("/node/2/transmissions", "transmissions", status="pending")
    assert [(t["id"], t["status"], t["receive_time"]) for t in listed] == [(sent["id"], "pending", None)]
    assert build.store.get("transmission", sent["id"]).status == "received"
    assert await build.get("/node/2/transmissions", "transmissions", status="pending") == []


async def test_transmissions_are_ordered_and_exclude_failed(build):
    await build.chain(2)
    for n in range(3):
        await build.info(1, contents=str(n))
    sent = await build.transmit(1)
    build.store.get("transmission", sent[0]["id"]).fail()
    listed = await build.get("/node/1/transmissions", "transmissions", direction="outgoing")
    assert [t["id"] for t in listed] == sorted(t["id"] for t in sent)[1:]


async def test_transmissions_unknown_node(client):
    assert_error(await client.get("/node/999/transmissions"), 400, "/node/transmissions, node does not exist")


@pytest.mark.parametrize(("query", "words"), [("direction=sideways", ["direction", "sideways"]),
                                              ("status=lost", ["status", "lost"])])
async def test_transmissions_bad_direction_or_status_is_400(client, build, query, words):
    # Dallinger: 500 (spec 9.3); simlab: 400 naming the parameter and the value.
    await build.chain(2)
    await build.info(1)
    await build.transmit(1)
    assert_param_error(await client.get(f"/node/2/transmissions?{query}"), *words)
    assert build.store.get("transmission", 1).status == "pending"


# --------------------------------------------------------- transformations


async def _received(build):
    await build.chain(2)
    info = await build.info(1)
    await build.transmit(1)
    await build.receive(2)
    out = await build.info(2, contents="copy")
    return info, out


async def test_create_transformation_takes_node_from_info_out(client, build):
    info, out = await _received(build)
    resp = await client.post(f"/transformation/1/{info['id']}/{out['id']}", data={"property1": "t"})
    assert resp.status_code == 200, resp.text
    assert list(resp.json()) == ["status", "transformation"]
    t = resp.json()["transformation"]
    assert list(t) == TRANSFORMATION_KEYS
    assert (t["info_in_id"], t["info_out_id"], t["node_id"], t["network_id"], t["property1"]) == (
        info["id"], out["id"], 2, 1, "t",
    )
    assert ids(await build.get("/node/2/transformations", "transformations")) == [t["id"]]
    assert await build.get("/node/1/transformations", "transformations") == []


async def test_transformation_of_own_infos(build, client):
    await build.agent()
    a = await build.info(1)
    b = await build.info(1)
    resp = await client.post(f"/transformation/1/{a['id']}/{b['id']}?transformation_type=Replication")
    assert resp.status_code == 200
    assert len(await build.get("/node/1/transformations", "transformations", transformation_type="Replication")) == 1
    assert await build.get("/node/1/transformations", "transformations", transformation_type="Mutation") == []


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/transformation/999/1/2", 400, "/transformation POST, node 999 does not exist"),
        ("/transformation/2/999/2", 400, "/transformation POST, info_in 999 does not exist"),
        ("/transformation/2/1/999", 400, "/transformation POST, info_out 999 does not exist"),
        ("/transformation/2/1/2?transformation_type=Info", 400, "/transformation POST failed"),
        ("/transformation/1/2/1", 400, "/transformation POST failed"),
    ],
)
async def test_create_transformation_errors(client, build, url, status, message):
    await _received(build)
    before = build.counts()
    assert_error(await client.post(url), status, message)
    assert build.counts() == before


async def test_create_transformation_unknown_type(client):
    message = assert_param_error(await client.post("/transformation/1/1/1?transformation_type=Bogus"))
    assert message == (f"{BASE}/transformation/1/1/1?transformation_type=Bogus POST request, "
                       "unknown_class: Bogus for parameter transformation_type")


async def test_transformations_listing_errors(client, build):
    assert_error(await client.get("/node/999/transformations"), 400, "/node/transformations, node 999 does not exist")
    message = assert_param_error(await client.get("/node/999/transformations?transformation_type=Bogus"))
    assert message.endswith("unknown_class: Bogus for parameter transformation_type")
    await build.agent()
    # Dallinger: 500 (spec 9.14); simlab: 400 naming the parameter.
    assert_param_error(await client.get("/node/1/transformations?transformation_type=Info"), "transformation_type")
