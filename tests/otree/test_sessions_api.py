"""Sessions through the REST API: create, list, get_session (both forms), and their errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from simlab.domain.otree import MAX_PARTICIPANTS

from .conftest import AUTH, BASE, snapshot

CODE = re.compile(r"[a-z0-9]{8}\Z")
TEXT = "text/plain; charset=utf-8"


async def test_create_session_answer(client: httpx.AsyncClient, store: Any) -> None:
    resp = await client.post("/api/sessions", json={"session_config_name": "trio", "num_participants": 6}, headers=AUTH)
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
    data = resp.json()
    assert set(data) == {"code", "session_wide_url", "admin_url"}  # room_url only in a room
    assert CODE.match(data["code"])
    session = store.session_by_code(data["code"])
    assert data["session_wide_url"] == f"{BASE}/join/{session.join_code}"
    assert data["admin_url"] == f"{BASE}/SessionStartLinks/{data['code']}"
    participants = store.participants_of_session(data["code"])
    assert [p.id_in_session for p in participants] == [1, 2, 3, 4, 5, 6]
    assert all(CODE.match(p.code) and p.vars == {} and p.label is None and not p.visited for p in participants)
    assert len({p.code for p in participants}) == 6


async def test_one_participant_two_apis(create: Callable[..., Any], store: Any) -> None:
    """Each oTree participant is a Dallinger participant row of the same store."""
    data = await create("solo", 2)
    for p in store.participants_of_session(data["code"]):
        assert store.get("participant", p.id) is p
        assert (p.status, p.worker_id, p.assignment_id, p.hit_id, p.mode, p.recruiter_id) == (
            "working", p.code, p.code, data["code"], "otree", "hotair"
        )
        assert p.session_code == data["code"]


async def test_create_in_room_sets_the_current_session(create: Callable[..., Any], client: httpx.AsyncClient) -> None:
    first = await create("solo", 2, room_name="lab", label="morning")
    assert first["room_url"] == f"{BASE}/room/lab"
    second = await create("solo", 4, room_name="lab", modified_session_config_fields=None)
    rooms = (await client.get("/api/rooms", headers=AUTH)).json()
    assert rooms == [
        {"name": "lab", "session_code": second["code"], "url": f"{BASE}/room/lab"},
        {"name": "open", "session_code": None, "url": f"{BASE}/room/open"},
    ]


async def test_null_num_participants_means_max_of_group_size_and_two(create: Callable[..., Any], store: Any) -> None:
    assert store.session_by_code((await create("solo", None))["code"]).num_participants == 2
    assert store.session_by_code((await create("trio", None))["code"]).num_participants == 3


async def test_modified_session_config_fields(create: Callable[..., Any], client: httpx.AsyncClient) -> None:
    data = await create("trio", 3, modified_session_config_fields={"num_apples": 12, "abc": [1, 2, 3]})
    detail = (await client.post(f"/api/get_session/{data['code']}", headers=AUTH)).json()
    assert detail["config"]["num_apples"] == 12 and detail["config"]["abc"] == [1, 2, 3]
    # the study's own config is untouched
    configs = (await client.get("/api/session_configs", headers=AUTH)).json()
    assert configs[0]["num_apples"] == 10 and "abc" not in configs[0]


async def test_list_sessions_skips_demo_sessions(create: Callable[..., Any], client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/sessions", headers=AUTH)).json() == []
    one = await create("solo", 2, label="first")
    assert (await client.get("/demo/trio")).status_code == 302  # a demo session: not listed
    two = await create("trio", 3, room_name="open")
    listed = (await client.get("/api/sessions", headers=AUTH)).json()
    assert [s["code"] for s in listed] == [one["code"], two["code"]]
    assert set(listed[0]) == {"code", "num_participants", "created_at", "label", "config_name", "session_wide_url", "admin_url"}
    assert (listed[0]["label"], listed[0]["config_name"], listed[0]["num_participants"]) == ("first", "solo", 2)
    assert isinstance(listed[0]["created_at"], float)  # a Unix timestamp (*observed*)
    assert listed[0]["created_at"] <= listed[1]["created_at"]
    assert listed[1]["room_url"] == f"{BASE}/room/open"


@pytest.mark.parametrize("form", ["post", "legacy"])
async def test_get_session(create: Callable[..., Any], client: httpx.AsyncClient, store: Any, form: str) -> None:
    data = await create("trio", 3, room_name="lab", label="L")
    code = data["code"]
    participants = store.participants_of_session(code)
    participants[0].label, participants[1].label = "alice", "bob"
    participants[0].vars = {"age": 31, "tags": ["x"], "obj": object()}
    participants[1].payoff = 7
    participants[1].status = "approved"
    store.session_by_code(code).vars = {"round": 2, "unused": 1}
    body = {"participant_vars": ["age", "tags", "missing"], "session_vars": ["round", "nope"]}
    if form == "post":
        # oTree 307s the slash form to the route; the client re-posts the same body there
        resp = await client.post(f"/api/get_session/{code}/", json=body, headers=AUTH, follow_redirects=True)
    else:  # oTree's legacy route: a GET with the same JSON body
        resp = await client.request("GET", f"/api/sessions/{code}", json=body, headers=AUTH)
    assert resp.status_code == 200, resp.text
    got = resp.json()
    config = got.pop("config")
    assert config["name"] == "trio" and config["real_world_currency_per_point"] == 0.5
    assert "players_per_group" not in config  # a study file's group size is simlab's setting, never echoed
    assert got == {
        "code": code,
        "num_participants": 3,
        "created_at": store.session_by_code(code).created_at,
        "label": "L",
        "config_name": "trio",
        "REAL_WORLD_CURRENCY_CODE": "EUR",
        "session_wide_url": data["session_wide_url"],
        "admin_url": data["admin_url"],
        "room_url": f"{BASE}/room/lab",
        "round": 2,
        "participants": [
            {"id_in_session": 1, "code": participants[0].code, "label": "alice", "payoff_in_real_world_currency": 0.0,
             "status": "", "age": 31, "tags": ["x"]},
            {"id_in_session": 2, "code": participants[1].code, "label": "bob", "payoff_in_real_world_currency": 3.5,
             "status": ""},  # oTree's status, not Dallinger's "approved"
            {"id_in_session": 3, "code": participants[2].code, "label": None, "payoff_in_real_world_currency": 0.0,
             "status": ""},
        ],
    }


async def test_get_session_filters_by_label(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    code = (await create("solo", 4))["code"]
    for p, label in zip(store.participants_of_session(code), ["a", "b", None, "a"]):
        p.label = label
    resp = await client.post(f"/api/get_session/{code}", json={"participant_labels": ["a", "zzz"]}, headers=AUTH)
    assert [p["id_in_session"] for p in resp.json()["participants"]] == [1, 4]
    resp = await client.post(f"/api/get_session/{code}", json={"participant_labels": []}, headers=AUTH)
    assert resp.json()["participants"] == []
    resp = await client.post(f"/api/get_session/{code}", json={"participant_labels": None}, headers=AUTH)
    assert len(resp.json()["participants"]) == 4


async def test_get_session_not_serializable(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    code = (await create("solo", 2))["code"]
    store.participants_of_session(code)[1].vars = {"when": object()}
    store.session_by_code(code).vars = {"fn": print}
    resp = await client.post(f"/api/get_session/{code}", json={"participant_vars": ["when"]}, headers=AUTH)
    assert (resp.status_code, resp.text) == (400, "participant.vars['when'] is not JSON serializable")
    assert resp.headers["content-type"] == TEXT
    resp = await client.post(f"/api/get_session/{code}", json={"session_vars": ["fn"]}, headers=AUTH)
    assert (resp.status_code, resp.text) == (400, "session.vars['fn'] is not JSON serializable")


async def test_get_unknown_session(client: httpx.AsyncClient) -> None:
    for resp in (
        await client.post("/api/get_session/nosuch00", headers=AUTH),
        await client.get("/api/sessions/nosuch00", headers=AUTH),
        await client.get("/api/sessions/nosuch00/", headers=AUTH, follow_redirects=True),
    ):
        assert (resp.status_code, resp.text) == (404, "Not found (maybe the session was deleted): Session, {'code': 'nosuch00'}")
        assert resp.headers["content-type"] == TEXT


CREATE_ERRORS: list[tuple[Any, int, str]] = [
    ({"session_config_name": "nope", "num_participants": 2}, 400,
     'Session config "nope" not found in settings.SESSION_CONFIGS.'),
    ({"session_config_name": "trio", "num_participants": 7}, 400,
     "Session Config trio: Number of participants (7) is not a multiple of group size (3)"),
    ({"session_config_name": "trio", "num_participants": 3, "modified_session_config_fields": {"name": "x"}}, 400,
     "The following session config fields are not editable: {'name'}"),
    ({"session_config_name": "trio", "num_participants": 3,
      "modified_session_config_fields": {"doc": "", "num_apples": 1, "display_name": "y"}}, 400,
     "The following session config fields are not editable: {'display_name', 'doc'}"),
    ({"session_config_name": "solo", "num_participants": 2, "room_name": "attic"}, 404, "Room attic not found"),
    ({"num_participants": 2}, 400, "Missing required field: session_config_name"),
    ({"session_config_name": "solo"}, 400, "Missing required field: num_participants"),
    ({"session_config_name": "solo", "num_participant": 2}, 400, "Unexpected field: num_participant"),
    ({"session_config_name": "solo", "num_participants": "4"}, 400,
     'Field num_participants must be an integer >= 1, or null, got "4"'),
    ({"session_config_name": "solo", "num_participants": 0}, 400, "Field num_participants must be an integer >= 1, or null, got 0"),
    ({"session_config_name": "solo", "num_participants": -2}, 400, "Field num_participants must be an integer >= 1, or null, got -2"),
    ({"session_config_name": "solo", "num_participants": 2.5}, 400, "Field num_participants must be an integer >= 1, or null, got 2.5"),
    ({"session_config_name": "solo", "num_participants": True}, 400, "Field num_participants must be an integer >= 1, or null, got true"),
    ({"session_config_name": "solo", "num_participants": MAX_PARTICIPANTS + 2}, 400,
     f"Field num_participants must be at most {MAX_PARTICIPANTS}, got {MAX_PARTICIPANTS + 2}"),
    ({"session_config_name": 3, "num_participants": 2}, 400, "Field session_config_name must be a non-empty string, got 3"),
    ({"session_config_name": "solo", "num_participants": 2, "modified_session_config_fields": [1]}, 400,
     "Field modified_session_config_fields must be a JSON object, got [1]"),
    ({"session_config_name": "trio", "num_participants": 3, "modified_session_config_fields": {"players_per_group": 0}}, 400,
     "Field modified_session_config_fields.players_per_group must be an integer >= 1 or null, got 0"),
    ({"session_config_name": "solo", "num_participants": 2, "label": 5}, 400, "Field label must be a string, got 5"),
    ([{"session_config_name": "solo"}], 400, 'Request body must be a JSON object, got list: [{"session_config_name": "solo"}]'),
    ("solo", 400, 'Request body must be a JSON object, got str: "solo"'),
]


@pytest.mark.parametrize(("body", "status", "message"), CREATE_ERRORS)
async def test_create_session_errors(client: httpx.AsyncClient, store: Any, body: Any, status: int, message: str) -> None:
    before = snapshot(store)
    resp = await client.post("/api/sessions", json=body, headers=AUTH)
    assert (resp.status_code, resp.text) == (status, message)
    assert resp.headers["content-type"] == TEXT
    assert snapshot(store) == before  # nothing half-written (oTree creates the session before the room KeyError)


@pytest.mark.parametrize("raw", [b"{bad", b'{"a": NaN}', b'{"a": 1e999}', b"\xff\xfe", b'{"a": 1} x'])
async def test_malformed_json(client: httpx.AsyncClient, raw: bytes) -> None:
    resp = await client.post("/api/sessions", content=raw, headers=AUTH)
    assert (resp.status_code, resp.text) == (400, "Request body is not valid JSON")


async def test_empty_body_means_empty_object(client: httpx.AsyncClient) -> None:
    resp = await client.post("/api/sessions", content=b"", headers=AUTH)
    assert (resp.status_code, resp.text) == (400, "Missing required field: session_config_name")


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/api/sessions"), ("DELETE", "/api/sessions"), ("PATCH", "/api/sessions"),
    ("POST", "/api/sessions/abc"), ("GET", "/api/get_session/abc"), ("GET", "/api/participant_vars"),
    ("PUT", "/api/participant_vars/abc"), ("GET", "/api/session_vars"), ("DELETE", "/api/session_vars/abc"),
    ("POST", "/api/session_configs"), ("POST", "/api/rooms"), ("POST", "/api/otree_version"), ("POST", "/api/apps"),
    ("OPTIONS", "/api/sessions"),
])
async def test_other_methods_are_405(client: httpx.AsyncClient, method: str, path: str) -> None:
    resp = await client.request(method, path, headers=AUTH)
    assert (resp.status_code, resp.text) == (405, "Method not allowed")
    assert resp.headers["content-type"] == TEXT and resp.headers["allow"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", ["/api/sessions/", "/api/get_session/abc/", "/api/rooms/", "/api/participant_vars/"])
async def test_slash_forms_307_to_the_route(client: httpx.AsyncClient, method: str, path: str) -> None:
    """oTree 6.0.15 (observed): Starlette's redirect_slashes, for any method, before the REST key; query kept."""
    resp = await client.request(method, path, params={"x": "1"})
    assert resp.status_code == 307 and resp.headers["location"] == f"{BASE}{path.rstrip('/')}?x=1"
    assert resp.content == b""


async def test_unknown_api_path(client: httpx.AsyncClient) -> None:
    for path in ("/api/nothing", "/api/sessions/abc/extra", "/api/v1/sessions/"):
        resp = await client.get(path, headers=AUTH)
        assert (resp.status_code, resp.text) == (404, "Not Found")


async def test_session_configs_rooms_version_apps(client: httpx.AsyncClient, study: Any) -> None:
    configs = (await client.get("/api/session_configs", headers=AUTH)).json()
    assert [c["name"] for c in configs] == ["trio", "solo"]
    assert configs[1] == {
        "real_world_currency_per_point": 0.5, "participation_fee": 3.0, "doc": "one at a time", "name": "solo",
        "app_sequence": ["survey"], "num_demo_participants": 2, "display_name": "solo",
    }
    assert (await client.get("/api/otree_version", headers=AUTH)).json() == {"version": "6.0.15"}
    assert (await client.get("/api/apps", headers=AUTH)).json() == {"bargain": "", "survey": ""}
    rooms = await client.get("/api/rooms", headers=AUTH)
    assert rooms.headers["content-type"] == "application/json"
    assert [r["name"] for r in rooms.json()] == ["lab", "open"]


async def test_codes_follow_the_seed(study: Any) -> None:
    """Codes come from the experiment's seeded random: the same seed gives the same codes."""
    from simlab import Settings
    from simlab.web import create_app

    from .conftest import ChainExperiment

    codes = []
    for _ in range(2):
        app = create_app(ChainExperiment, settings=Settings(seed=3), study=study)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
            resp = await client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 2})
            codes.append(resp.json()["code"])
    assert codes[0] == codes[1]


async def test_body_too_large(study: Any) -> None:
    from simlab import Settings
    from simlab.web import create_app

    from .conftest import ChainExperiment

    app = create_app(ChainExperiment, settings=Settings(max_body_bytes=64), study=study)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        resp = await client.post("/api/participant_vars", json={"room_name": "lab", "participant_label": "a", "vars": {"x": "y" * 100}})
    assert resp.status_code == 413 and resp.headers["content-type"] == TEXT
    assert app.extensions["simlab"].store.count("room") == 0
