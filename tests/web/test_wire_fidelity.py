"""Issue 14's defects, found by checks written independently of simlab, each pinned here.

1. ``entry_information`` is ``{}`` (Dallinger's NOT NULL default), never null, in answers and exports.
2. oTree's ``get_session``: ``label`` "" for a session made without one; participants' oTree ``status``.
3. Ids of thousands of digits get the route's "does not exist" / 400, not a 500.
4. ``<``, ``>`` and ``&`` never appear literally in a JSON answer of either API.
5. A JSON body on a Dallinger route is ignored, as Dallinger ignores it, with a warning.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from typing import Any

import httpx
import pytest

from simlab.persistence.export import NOT_NULL_DEFAULTS, export_zip_bytes, snapshot

from .dallinger.helpers import assert_error

LONG = "9" * 10_000  # int() refuses literals of more than 4,300 digits
PROBE = "<script>alert(1)</script>&"
PATH_PROBE = "<img src=x onerror=alert(1)>&"  # no "/": a path segment


# ---------------------------------------------------------------- 1. entry_information


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/participant/w1/h1/a1/debug", None),
        ("/participant", {"worker_id": "w1", "hit_id": "h1", "assignment_id": "a1"}),  # snake_case form
        ("/participant", {"workerId": "w1", "hitId": "h1", "assignmentId": "a1"}),
    ],
)
async def test_entry_information_is_an_empty_object_not_null(client, exp, url, data):
    created = await client.post(url, data=data)
    assert created.status_code == 200, created.text
    assert created.json()["participant"]["entry_information"] == {}
    pid = created.json()["participant"]["id"]
    assert (await client.get(f"/participant/{pid}")).json()["participant"]["entry_information"] == {}
    assert _export_rows(exp, "participant")[0]["entry_information"] == "{}"


async def test_entry_information_keeps_what_the_recruiter_sent(client):
    resp = await client.post("/participant", data={"workerId": "w", "hitId": "h", "assignmentId": "a", "extra": "x"})
    assert resp.json()["participant"]["entry_information"] == {"extra": "x"}


async def test_export_writes_dallingers_default_for_not_null_columns(client, exp):
    """A NULL left in any NOT NULL column with a default (e.g. by older data) is exported as the default."""
    await client.post("/participant/w1/h1/a1/debug")
    await client.post("/node/1")
    participant = exp.store.get("participant", 1)
    node = exp.store.get("node", 1)
    for row, column in ((participant, "entry_information"), (participant, "details"), (node, "details")):
        object.__setattr__(row, column, None)  # as a row loaded from an older database could be
    participant_row = _export_rows(exp, "participant")[0]
    assert (participant_row["entry_information"], participant_row["details"]) == ("{}", "{}")
    assert _export_rows(exp, "node")[0]["details"] == "{}"
    for (table, column), _default in NOT_NULL_DEFAULTS.items():
        tables = [t for t in ("participant", "node", "network") if table in ("*", t)]
        for name in tables:
            for row in _export_rows(exp, name):
                if column in row:
                    assert row[column] != "", (name, column)


def _export_rows(exp: Any, table: str) -> list[dict[str, str]]:
    data = export_zip_bytes(snapshot(exp.store))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read(f"data/{table}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- 2. oTree get_session


@pytest.fixture(name="otree_client")
async def _otree_client(tmp_path):
    from simlab import Settings
    from simlab.domain.otree import StudySettings
    from simlab.web import create_app

    study = StudySettings.from_namespace(
        {"SESSION_CONFIGS": [{"name": "solo", "app_sequence": ["survey"], "num_demo_participants": 2}]}, tmp_path
    )
    app = create_app(settings=Settings(seed=1), study=study)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        yield client


async def test_get_session_label_is_empty_string_and_status_is_otrees(otree_client):
    created = await otree_client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 2})
    code = created.json()["code"]
    detail = (await otree_client.post(f"/api/get_session/{code}", json={})).json()
    assert detail["label"] == ""
    assert [p["status"] for p in detail["participants"]] == ["", ""]
    listed = (await otree_client.get("/api/sessions")).json()
    assert listed[0]["label"] == ""


async def test_get_session_keeps_a_given_label(otree_client):
    body = {"session_config_name": "solo", "num_participants": 2, "label": "pilot"}
    code = (await otree_client.post("/api/sessions", json=body)).json()["code"]
    assert (await otree_client.post(f"/api/get_session/{code}", json={})).json()["label"] == "pilot"


# ---------------------------------------------------------------- 3. ids of 10,000 digits

# (method, url template with {} for the id, data) -> the answer a merely missing id gets
ID_ROUTES = [
    ("GET", "/participant/{}", None),
    ("GET", "/network/{}", None),
    ("POST", "/node/{}", None),
    ("POST", "/question/{}", {"question": "q", "response": "r", "number": "1"}),
    ("GET", "/node/{}/neighbors", None),
    ("GET", "/node/{}/vectors", None),
    ("GET", "/node/{}/infos", None),
    ("GET", "/node/{}/received_infos", None),
    ("GET", "/node/{}/transmissions", None),
    ("POST", "/node/{}/transmit", None),
    ("GET", "/node/{}/transformations", None),
    ("POST", "/node/{}/connect/1", None),
    ("POST", "/node/1/connect/{}", None),
    ("GET", "/info/{}/1", None),
    ("GET", "/info/1/{}", None),
    ("POST", "/info/{}", {"contents": "x"}),
    ("POST", "/transformation/{}/1/1", None),
    ("POST", "/transformation/1/{}/1", None),
    ("POST", "/transformation/1/1/{}", None),
    ("POST", "/tracking_event/{}", None),
    ("POST", "/node/1/transmit", {"what": "{}"}),
    ("POST", "/node/1/transmit", {"to_whom": "{}"}),
    ("GET", "/worker_complete?participant_id={}", None),
    ("POST", "/worker_complete?participant_id={}", None),
    ("GET", "/worker_failed?participant_id={}", None),
    ("POST", "/notifications", {"Event.1.EventType": "AssignmentAbandoned", "participant_id": "{}"}),
    ("GET", "/recruiter-exit?participant_id={}", None),
    ("POST", "/handle-error", {"participant_id": "{}"}),
]


async def _two_nodes(client: httpx.AsyncClient) -> None:
    for n in (1, 2):
        assert (await client.post(f"/participant/w{n}/h/a{n}/debug")).status_code == 200
        assert (await client.post(f"/node/{n}")).status_code == 200
    assert (await client.post("/info/1", data={"contents": "c"})).status_code == 200


def _fill(template: str, data: dict[str, str] | None, ident: str) -> tuple[str, dict[str, str] | None]:
    filled = {k: v.replace("{}", ident) for k, v in data.items()} if data else None
    return template.replace("{}", ident), filled


def _comparable(resp: httpx.Response, ident: str) -> tuple[int, str, Any]:
    """Status, content type and body, with the id replaced by a marker (messages may name it)."""
    if resp.headers["content-type"].startswith("application/json"):
        body: Any = resp.json()
        body.pop("html", None)
        body = {k: v.replace(ident, "ID") if isinstance(v, str) else v for k, v in body.items()}
    else:
        body = resp.text.replace(ident, "ID")
    return resp.status_code, resp.headers["content-type"], body


@pytest.mark.parametrize(("method", "template", "data"), ID_ROUTES)
async def test_an_id_of_ten_thousand_digits_is_answered_as_a_missing_id(client, exp, method, template, data):
    await _two_nodes(client)
    before = exp.store.statistics()
    url, body = _fill(template, data, LONG)
    resp = await client.request(method, url, data=body)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
    missing_url, missing_body = _fill(template, data, "999999")
    missing = await client.request(method, missing_url, data=missing_body)
    assert _comparable(resp, LONG) == _comparable(missing, "999999")
    assert exp.store.statistics() == before


async def test_an_integer_parameter_of_ten_thousand_digits_is_out_of_range(client):
    await _two_nodes(client)
    resp = await client.post("/question/1", data={"question": "q", "response": "r", "number": LONG})
    assert "number out of range" in assert_error(resp, 400)["error_type"]


async def test_fast_path_defers_a_long_what_to_the_route(app, client):
    await _two_nodes(client)
    assert app.fast_path is not None
    resp = await client.post("/node/1/transmit", data={"what": LONG})
    assert_error(resp, 400, "/node/transmit POST, info does not exist")


# ---------------------------------------------------------------- 4. <, >, & in JSON answers


def _assert_html_safe(resp: httpx.Response) -> None:
    text = resp.text
    assert not {"<", ">", "&"} & set(text), text[:300]


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("GET", "/node/1/neighbors?connection=P", None),
        ("GET", "/node/1/neighbors?node_type=P", None),
        ("POST", "/info/1", {"contents": "x", "info_type": "P"}),
        ("POST", "/node/1/transmit", {"what": "P"}),
        ("POST", "/node/1/transmit", {"to_whom": "P"}),
        ("POST", "/info/1", {"contents": "x", "details": "P"}),
        ("POST", "/question/1", {"question": "q", "response": "r", "number": "P"}),
        ("POST", "/participant/wp/hp/ap/debug?recruiter=P", None),
        ("GET", "/participant/Q", None),
        ("GET", "/network/Q", None),
        ("GET", "/worker_complete?participant_id=P", None),
        ("GET", "/node/1/transmissions?direction=P", None),
        ("POST", "/info/1", {"contents": "P"}),  # success: the stored contents come back escaped
        ("POST", "/tracking_event/1", {"details": '{"k": "P"}'}),
        ("GET", "/ad_address/Q/h", None),
        ("POST", "/participant/Q/h/a/debug", None),
    ],
)
async def test_dallinger_json_answers_escape_markup(client, method, url, data):
    await _two_nodes(client)
    url = url.replace("P", PROBE).replace("Q", PATH_PROBE)
    body = {k: v.replace("P", PROBE) for k, v in (data or {}).items()} or None
    resp = await client.request(method, url, data=body)
    assert resp.headers["content-type"].startswith("application/json")
    _assert_html_safe(resp)
    parsed = resp.json()
    assert PROBE in str(parsed) or PATH_PROBE in str(parsed), parsed  # the values read back unchanged


async def test_otree_json_answers_escape_markup(otree_client):
    body = {"session_config_name": "solo", "num_participants": 2, "label": PROBE}
    code = (await otree_client.post("/api/sessions", json=body)).json()["code"]
    await otree_client.post(f"/api/session_vars/{code}", json={"vars": {"note": PROBE}})
    for resp in (
        await otree_client.post(f"/api/get_session/{code}", json={"session_vars": ["note"]}),
        await otree_client.get("/api/sessions"),
    ):
        _assert_html_safe(resp)
    detail = (await otree_client.post(f"/api/get_session/{code}", json={"session_vars": ["note"]})).json()
    assert (detail["label"], detail["note"]) == (PROBE, PROBE)


# ---------------------------------------------------------------- 5. JSON bodies on Dallinger routes


async def test_a_json_body_is_ignored_with_a_warning(client, exp, caplog):
    await _two_nodes(client)
    before = exp.store.statistics()
    with caplog.at_level(logging.WARNING, logger="simlab.web"):
        resp = await client.post("/info/1", json={"contents": "j"})
    assert_error(resp, 400)
    assert resp.json()["message"].endswith("POST request, contents not specified")
    assert exp.store.statistics() == before
    assert any("JSON body ignored" in r.getMessage() and "/info/1" in r.getMessage() for r in caplog.records)


async def test_a_json_body_does_not_create_a_participant(client, exp):
    resp = await client.post("/participant", json={"workerId": "w", "hitId": "h", "assignmentId": "a"})
    assert resp.status_code == 400
    assert exp.store.count("participant") == 0


async def test_the_query_string_still_counts_beside_a_json_body(client):
    await _two_nodes(client)
    resp = await client.post("/info/1?contents=q", json={"contents": "j"})
    assert resp.json()["info"]["contents"] == "q"
