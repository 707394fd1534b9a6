"""participant_vars and session_vars, in both forms each; a rejected call changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import AUTH, snapshot


async def post(client: httpx.AsyncClient, path: str, body: Any) -> httpx.Response:
    return await client.post(path, json=body, headers=AUTH, follow_redirects=True)  # the slash forms 307, as in oTree


async def test_participant_vars_by_code_merges_at_top_level(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    code = (await create("solo", 2))["code"]
    p = store.participants_of_session(code)[0]
    resp = await post(client, f"/api/participant_vars/{p.code}", {"vars": {"age": 31, "nested": {"a": [1, 2]}}})
    assert (resp.status_code, resp.json()) == (200, {})
    assert resp.headers["content-type"] == "application/json"
    resp = await post(client, f"/api/participant_vars/{p.code}/", {"vars": {"nested": {"b": 1}, "ok": True, "s": "x", "n": None}})
    assert resp.status_code == 200
    assert p.vars == {"age": 31, "nested": {"b": 1}, "ok": True, "s": "x", "n": None}
    detail = (await post(client, f"/api/get_session/{code}", {"participant_vars": ["age", "nested"]})).json()
    assert detail["participants"][0]["age"] == 31 and detail["participants"][0]["nested"] == {"b": 1}
    assert "age" not in detail["participants"][1]


async def test_session_vars_by_code_and_by_room(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    code = (await create("solo", 2, room_name="open"))["code"]
    assert (await post(client, f"/api/session_vars/{code}", {"vars": {"a": 1, "b": [1]}})).json() == {}
    assert (await post(client, "/api/session_vars/", {"room_name": "open", "vars": {"b": 2}})).json() == {}
    assert store.session_by_code(code).vars == {"a": 1, "b": 2}
    detail = (await post(client, f"/api/get_session/{code}", {"session_vars": ["a", "b", "c"]})).json()
    assert (detail["a"], detail["b"]) == (1, 2) and "c" not in detail


async def test_room_participant_vars_after_arrival_update_now(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    await create("solo", 2, room_name="lab")
    resp = await client.get("/room/lab?participant_label=bob&welcome_page_ok=1")
    assert resp.status_code == 302
    assert (await post(client, "/api/participant_vars", {"room_name": "lab", "participant_label": "bob", "vars": {"x": 1}})).json() == {}
    bob = store.participant_by_code(resp.headers["location"].rsplit("/", 1)[1])
    assert bob.label == "bob" and bob.vars == {"x": 1}
    assert store.room("lab").pending_vars == {}


async def test_room_participant_vars_before_arrival_are_kept_then_replaced(client: httpx.AsyncClient, store: Any) -> None:
    body = {"room_name": "lab", "participant_label": "carol", "vars": {"a": 1, "b": 2}}
    assert (await post(client, "/api/participant_vars", body)).json() == {}
    body["vars"] = {"b": 3}  # a later post for the same (room, label) replaces the kept vars
    assert (await post(client, "/api/participant_vars/", body)).json() == {}
    assert store.room("lab").pending_vars == {"carol": {"b": 3}}


VARS_ERRORS: list[tuple[str, Any, int, str]] = [
    ("/api/participant_vars", {"room_name": "attic", "participant_label": "a", "vars": {}}, 404, "Room attic not found"),
    ("/api/participant_vars", {"room_name": "lab", "participant_label": "a"}, 400, "Missing required field: vars"),
    ("/api/participant_vars", {"room_name": "lab", "vars": {}}, 400, "Missing required field: participant_label"),
    ("/api/participant_vars", {"participant_label": "a", "vars": {}}, 400, "Missing required field: room_name"),
    ("/api/participant_vars", {"room_name": "lab", "participant_label": "a", "vars": [1]}, 400,
     "Field vars must be a JSON object, got [1]"),
    ("/api/participant_vars", {"room_name": "lab", "participant_label": "a", "vars": "x"}, 400,
     'Field vars must be a JSON object, got "x"'),
    ("/api/participant_vars", {"room_name": "lab", "participant_label": "", "vars": {}}, 400,
     'Field participant_label must be a non-empty string, got ""'),
    ("/api/participant_vars", {"room_name": "lab", "participant_label": "a", "vars": {}, "code": "x"}, 400,
     "Unexpected field: code"),
    ("/api/participant_vars/nosuch00", {"vars": {"a": 1}}, 404,
     "Not found (maybe the session was deleted): Participant, {'code': 'nosuch00'}"),
    ("/api/participant_vars/nosuch00", {"vars": 1}, 400, "Field vars must be a JSON object, got 1"),
    ("/api/participant_vars/nosuch00", {}, 400, "Missing required field: vars"),
    ("/api/session_vars", {"room_name": "attic", "vars": {}}, 404, "Room attic not found"),
    ("/api/session_vars", {"room_name": "open", "vars": {"a": 1}}, 404, "Room open has no session"),
    ("/api/session_vars", {"vars": {"a": 1}}, 400, "Missing required field: room_name"),
    ("/api/session_vars", {"room_name": "open", "vars": [1]}, 400, "Field vars must be a JSON object, got [1]"),
    ("/api/session_vars/nosuch00", {"vars": {"a": 1}}, 404,
     "Not found (maybe the session was deleted): Session, {'code': 'nosuch00'}"),
    ("/api/session_vars/nosuch00", {"vars": {}, "room_name": "open"}, 400, "Unexpected field: room_name"),
    ("/api/get_session/nosuch00", {"participant_labels": "alice"}, 400,
     'Field participant_labels must be a list of strings, got "alice"'),
    ("/api/get_session/nosuch00", {"participant_vars": [1]}, 400, "Field participant_vars must be a list of strings, got [1]"),
    ("/api/get_session/nosuch00", {"session_vars": {"a": 1}}, 400, 'Field session_vars must be a list of strings, got {"a": 1}'),
    ("/api/get_session/nosuch00", {"labels": []}, 400, "Unexpected field: labels"),
    ("/api/session_vars/nosuch00", [{"vars": {}}], 400, 'Request body must be a JSON object, got list: [{"vars": {}}]'),
]


@pytest.mark.parametrize(("path", "body", "status", "message"), VARS_ERRORS)
async def test_vars_errors(client: httpx.AsyncClient, store: Any, path: str, body: Any, status: int, message: str) -> None:
    before = snapshot(store)
    resp = await post(client, path, body)
    assert (resp.status_code, resp.text) == (status, message)
    assert resp.headers["content-type"] == "text/plain; charset=utf-8"
    assert snapshot(store) == before


async def test_a_rejected_request_changes_nothing(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    """With sessions, arrivals, vars and pending vars in place, every kind of bad call leaves the store as it was."""
    code = (await create("solo", 2, room_name="lab"))["code"]
    await client.get("/room/lab?participant_label=alice&welcome_page_ok=1")
    await post(client, "/api/participant_vars", {"room_name": "lab", "participant_label": "dave", "vars": {"k": 1}})
    await post(client, f"/api/session_vars/{code}", {"vars": {"s": 1}})
    pcode = store.participants_of_session(code)[0].code
    before = snapshot(store)
    bad_calls = [
        ("/api/sessions", {"session_config_name": "solo", "num_participants": 2, "room_name": "attic"}),
        ("/api/sessions", {"session_config_name": "trio", "num_participants": 4, "room_name": "lab"}),
        ("/api/sessions", {"session_config_name": "trio", "num_participants": 3, "room_name": "lab",
                           "modified_session_config_fields": {"app_sequence": []}}),
        ("/api/participant_vars", {"room_name": "lab", "participant_label": "alice", "vars": [1]}),
        ("/api/participant_vars", {"room_name": "lab", "participant_label": "dave", "vars": {"k": 2}, "extra": 1}),
        (f"/api/participant_vars/{pcode}", {"vars": "x"}),
        (f"/api/session_vars/{code}", {"vars": {"s": 2}, "x": 1}),
        ("/api/session_vars", {"room_name": "lab", "vars": None}),
    ]
    for path, body in bad_calls:
        resp = await post(client, path, body)
        assert 400 <= resp.status_code < 500, (path, resp.text)
    resp = await client.post("/api/session_vars/" + code, content=b'{"vars": {"s": 3}', headers=AUTH)
    assert resp.status_code == 400
    assert snapshot(store) == before
