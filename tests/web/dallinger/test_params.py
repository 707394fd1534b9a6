"""Bad input: Dallinger's parameter messages (spec 2) and simlab's fixes of its 500s (spec 9.3, 9.14)."""

from __future__ import annotations

import pytest

from .helpers import BASE, assert_error, assert_param_error

HUGE = ["9223372036854775808", str(10**30), "9" * 4000]


async def _setup(build):
    """Node 1 → node 2 (a chain), info 1 on node 1, received by node 2, info 2 on node 2."""
    await build.chain(2)
    await build.info(1)
    await build.transmit(1)
    await build.receive(2)
    await build.info(2)


@pytest.mark.parametrize(
    ("method", "url", "rule"),
    [
        ("POST", "/info/1", "contents not specified"),
        ("POST", "/info/1?contents=x&info_type=Bogus", "unknown_class: Bogus for parameter info_type"),
        ("POST", "/info/1?contents=x&failed=false", "non-boolean failed: false"),
        ("GET", "/node/1/vectors?failed=1", "non-boolean failed: 1"),
        ("GET", "/node/1/neighbors?node_type=Vector", "unknown_class: Vector for parameter node_type"),
        ("GET", "/node/1/infos?info_type=TrackingEvent", "unknown_class: TrackingEvent for parameter info_type"),
        ("GET", "/node/1/received_infos?info_type=Participant", "unknown_class: Participant for parameter info_type"),
        ("GET", "/node/1/transformations?transformation_type=Chain",
         "unknown_class: Chain for parameter transformation_type"),
        ("POST", "/transformation/2/1/2?transformation_type=Nope",
         "unknown_class: Nope for parameter transformation_type"),
        ("POST", "/question/1?question=q&response=r", "number not specified"),
        ("POST", "/question/1?question=q&response=r&number=2.5", "non-numeric number: 2.5"),
    ],
)
async def test_parameter_messages_embed_the_full_url(client, build, method, url, rule):
    await _setup(build)
    before = build.counts()
    resp = await client.request(method, url)
    message = assert_param_error(resp)
    assert message == f"{BASE}{url} {method} request, {rule}"
    assert build.counts() == before


# Each of these is a 500 in Dallinger 12.4.0; simlab answers 400 naming parameter and value.
@pytest.mark.parametrize(
    ("method", "url", "data", "words"),
    [
        ("GET", "/node/1/neighbors?connection=up", None, ["connection", "up"]),
        ("GET", "/node/1/neighbors?node_type=Info", None, ["node_type", "Info"]),
        ("GET", "/node/2/transmissions?direction=up", None, ["direction", "up"]),
        ("GET", "/node/2/transmissions?status=lost", None, ["status", "lost"]),
        ("POST", "/info/1", {"contents": "x", "failed": "yes"}, ["failed", "yes"]),
        ("POST", "/notifications", {"Event.1.AssignmentId": "a1"}, ["Event.1.EventType"]),
        ("GET", "/participant/x1", None, ["participant_id", "x1"]),
        ("POST", "/node/x1", None, ["participant_id", "x1"]),
        ("POST", "/question/x1", {"question": "q", "response": "r", "number": "1"}, ["participant_id", "x1"]),
        ("GET", "/network/x1", None, ["network_id", "x1"]),
        ("GET", "/node/2/received_infos?info_type=Node", None, ["info_type", "Node"]),
        ("GET", "/node/2/transformations?transformation_type=Info", None, ["transformation_type", "Info"]),
    ],
)
async def test_dallinger_500s_are_400s(client, build, method, url, data, words):
    await _setup(build)
    before = build.counts()
    resp = await client.request(method, url, data=data)
    assert_param_error(resp, *words)
    assert build.counts() == before


@pytest.mark.parametrize("raw", ["{not json", "NaN", "Infinity", '{"a": NaN}', '[-Infinity]', "'single'"])
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("POST", "/node/{pid}", {}),
        ("POST", "/info/1", {"contents": "x"}),
        ("POST", "/node/1/transmit", {}),
        ("POST", "/transformation/2/1/2", {}),
        ("POST", "/tracking_event/1", {}),
        ("POST", "/node/1/connect/2", {"direction": "from"}),
    ],
)
async def test_unstorable_details_are_400_and_write_nothing(client, build, raw, method, url, data):
    await _setup(build)
    p = await build.participant()
    before = build.counts()
    resp = await client.request(method, url.format(pid=p["id"]), data={**data, "details": raw})
    assert_param_error(resp, "details")
    assert build.counts() == before


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("POST", "/info/1", {"contents": "a\x00b"}),
        ("POST", "/info/1", {"contents": "x", "property1": "a\x00"}),
        ("POST", "/info/1", {"contents": "x", "details": '{"a": "\x00"}'}),
        ("POST", "/node/{pid}", {"property2": "\x00"}),
        ("POST", "/question/{pid}", {"question": "q\x00", "response": "r", "number": "1"}),
        ("POST", "/participant/w%00x/h/a/debug", {}),
        ("POST", "/participant/w%FFx/h/a/debug", {}),
        ("POST", "/info/1?contents=%FF%FE", {}),
        ("POST", "/info/1?contents=x&property3=%C3", {}),
        ("GET", "/node/1/infos?info_type=%FF", {}),
        ("POST", "/participant/wnul/h/a/debug?fingerprint_hash=f%00", {}),
        ("POST", "/participant/wnul/h/a/debug?recruiter=hot%00air", {}),
        ("POST", "/participant", {"workerId": "w\x00", "hitId": "h", "assignmentId": "a"}),
        ("POST", "/node/1/transmit", {"what": "1\x00"}),
    ],
)
async def test_nul_bytes_and_invalid_utf8_are_refused(client, build, method, url, data):
    await _setup(build)
    p = await build.participant()
    before = build.counts()
    resp = await client.request(method, url.format(pid=p["id"]), data=data or None)
    assert 400 <= resp.status_code < 500, resp.text
    assert_error(resp, resp.status_code)
    assert build.counts() == before


@pytest.mark.parametrize("which", ["worker", "hit", "assignment"])
async def test_ids_longer_than_50_characters_are_400(client, build, which):
    parts = {"worker": "w", "hit": "h", "assignment": "a"}
    long = "x" * 51
    parts[which] = long
    resp = await client.post(f"/participant/{parts['worker']}/{parts['hit']}/{parts['assignment']}/debug")
    assert_error(resp, 400)
    assert build.store.count("participant") == 0
    parts[which] = "x" * 50
    ok = await client.post(f"/participant/{parts['worker']}/{parts['hit']}/{parts['assignment']}/debug")
    assert ok.status_code == 200


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/participant/{}"),
        ("GET", "/network/{}"),
        ("POST", "/node/{}"),
        ("POST", "/question/{}?question=q&response=r&number=1"),
        ("GET", "/node/{}/neighbors"),
        ("GET", "/node/{}/vectors"),
        ("GET", "/node/{}/infos"),
        ("GET", "/node/{}/received_infos"),
        ("GET", "/node/{}/transmissions"),
        ("POST", "/node/{}/transmit"),
        ("GET", "/node/{}/transformations"),
        ("POST", "/node/{}/connect/1"),
        ("POST", "/node/1/connect/{}"),
        ("GET", "/info/1/{}"),
        ("POST", "/info/{}?contents=x"),
        ("POST", "/transformation/2/1/{}"),
        ("POST", "/tracking_event/{}"),
        ("POST", "/node/1/transmit?what={}"),
        ("POST", "/node/1/transmit?to_whom={}"),
        ("POST", "/question/1?question=q&response=r&number={}"),
        ("GET", "/worker_complete?participant_id={}"),
        ("POST", "/notifications?Event.1.EventType=AssignmentAbandoned&participant_id={}"),
    ],
)
async def test_huge_ids_are_4xx_in_the_envelope(client, build, huge, method, template):
    await _setup(build)
    before = build.counts()
    resp = await client.request(method, template.format(huge))
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
    assert_error(resp, resp.status_code)
    assert build.counts() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/node/{}/infos", "/node/infos, node does not exist"),
        ("/node/{}/transmissions", "/node/transmissions, node does not exist"),
        ("/info/{}/1", "/info, node does not exist"),
    ],
)
async def test_huge_node_ids_are_not_found(client, url, message):
    assert_error(await client.get(url.format(HUGE[0])), 400, message)


async def test_error_echo_is_html_escaped(client, build):
    await _setup(build)
    resp = await client.post("/node/1/transmit", data={"what": "<b>x</b>"})
    html = resp.json()["html"]
    assert_error(resp, 400, "/node/transmit POST, <b>x</b> not in experiment.known_classes")
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


async def test_oversized_body_is_413(client, build):
    await _setup(build)
    before = build.counts()
    resp = await client.post("/info/1", data={"contents": "x" * (2 << 20)})
    assert resp.status_code == 413
    assert build.counts() == before


@pytest.mark.parametrize("body", [b"contents=%FF%FE", b"contents=x&property1=%C3%28", b"contents=ok%00"])
async def test_invalid_utf8_or_nul_in_form_body_is_refused(client, build, body):
    await _setup(build)
    before = build.counts()
    resp = await client.post("/info/1", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert 400 <= resp.status_code < 500, resp.text
    assert_error(resp, resp.status_code)
    assert build.counts() == before
