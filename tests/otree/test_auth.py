"""REST-key authentication: oTree's 403 texts, checked before the body, never on participant pages."""

from __future__ import annotations

import httpx
import pytest
from quart_trio import QuartTrio

from simlab import Settings
from simlab.domain.otree import StudySettings
from simlab.web import create_app

from .conftest import AUTH, BASE, KEY, ChainExperiment

MISSING_ENV = "Env var OTREE_REST_KEY must be defined to use REST API"
MISSING = "HTTP Request Header otree-rest-key is missing"
WRONG = "HTTP Request Header otree-rest-key is incorrect"

#: One call per endpoint, each valid once authenticated.
CALLS = [
    ("GET", "/api/sessions", None),
    ("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2}),
    ("GET", "/api/session_configs", None),
    ("GET", "/api/rooms", None),
    ("GET", "/api/otree_version", None),
    ("GET", "/api/apps", None),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "alice", "vars": {"a": 1}}),
]


def app_for(study: StudySettings, level: str, key: str | None) -> QuartTrio:
    return create_app(ChainExperiment, settings=Settings(otree_auth_level=level, otree_rest_key=key), study=study)


async def call(app: QuartTrio, method: str, path: str, body: object, headers: dict[str, str] | None) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        return await client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_auth_off_needs_no_key(study: StudySettings, method: str, path: str, body: object) -> None:
    resp = await call(app_for(study, "", None), method, path, body, None)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/json"


@pytest.mark.parametrize("level", ["DEMO", "STUDY"])
@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_auth_levels(study: StudySettings, level: str, method: str, path: str, body: object) -> None:
    cases: list[tuple[str | None, dict[str, str] | None, int, str | None]] = [
        (None, AUTH, 403, MISSING_ENV),  # the server has no key: nobody gets in
        (KEY, None, 403, MISSING),
        (KEY, {"otree-rest-key": ""}, 403, MISSING),  # empty counts as missing (*observed*)
        (KEY, {"otree-rest-key": "nope"}, 403, WRONG),
        (KEY, {"otree-rest-key": KEY + "x"}, 403, WRONG),
        (KEY, AUTH, 200, None),
        (KEY, {"OTREE-REST-KEY": KEY}, 200, None),  # header names are case-insensitive
        (KEY, {"Otree-Rest-Key": KEY}, 200, None),
    ]
    apps = {None: app_for(study, level, None), KEY: app_for(study, level, KEY)}
    for server_key, headers, status, message in cases:
        resp = await call(apps[server_key], method, path, body, headers)
        assert resp.status_code == status, (server_key, headers, resp.text)
        if message is not None:
            assert resp.text == message
            assert resp.headers["content-type"] == "text/plain; charset=utf-8"


async def test_key_is_checked_before_the_body(study: StudySettings) -> None:
    """oTree parses first (malformed JSON without a key is its 500); simlab answers 403 first."""
    app = app_for(study, "STUDY", KEY)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        resp = await client.post("/api/sessions", content=b"{not json")
        assert (resp.status_code, resp.text) == (403, MISSING)
        resp = await client.post("/api/sessions", content=b"{not json", headers={"otree-rest-key": "bad"})
        assert (resp.status_code, resp.text) == (403, WRONG)
        resp = await client.post("/api/sessions", content=b"{not json", headers=AUTH)
        assert (resp.status_code, resp.text) == (400, "Request body is not valid JSON")


async def test_rejected_auth_changes_nothing(study: StudySettings) -> None:
    app = app_for(study, "STUDY", KEY)
    store = app.extensions["simlab"].store
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        for _, path, body in CALLS:
            if body is not None:
                resp = await client.post(path, json=body, headers={"otree-rest-key": "wrong"})
                assert resp.status_code == 403
    assert store.count("session") == 0 and store.count("participant") == 0 and store.count("room") == 0


async def test_participant_pages_never_need_the_key(study: StudySettings) -> None:
    app = app_for(study, "STUDY", KEY)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        resp = await client.post(
            "/api/sessions", json={"session_config_name": "solo", "num_participants": 2, "room_name": "open"}, headers=AUTH
        )
        assert resp.status_code == 200
        session = resp.json()
        resp = await client.get("/room/open?welcome_page_ok=1")
        assert resp.status_code == 302 and resp.headers["location"].startswith("/InitializeParticipant/")
        resp = await client.get(resp.headers["location"])
        assert resp.status_code == 302 and resp.headers["location"].startswith("/exp?")
        resp = await client.get(session["session_wide_url"])
        assert resp.status_code == 302
        # the start-links page is the admin's, not a participant page (oTree: admin login)
        resp = await client.get(session["admin_url"])
        assert resp.status_code == 401


async def test_method_check_comes_before_auth(study: StudySettings) -> None:
    app = app_for(study, "STUDY", KEY)
    resp = await call(app, "DELETE", "/api/sessions", None, None)
    assert (resp.status_code, resp.text) == (405, "Method not allowed")
