"""Participant links: rooms, session-wide links, start links, demo sessions and mock_exogenous_data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from simlab.domain import otree
from simlab.domain.otree import StudySettings

from .conftest import AUTH, BASE, snapshot


def code_of(resp: httpx.Response) -> str:
    assert resp.status_code == 302, resp.text
    location = resp.headers["location"]
    assert location.startswith("/InitializeParticipant/")
    return location.rsplit("/", 1)[1]


async def test_vars_posted_before_arrival_reach_the_participant(client: httpx.AsyncClient, store: Any) -> None:
    """The survey-webhook pattern: vars for a label, then the session, then the label arrives."""
    resp = await client.post(
        "/api/participant_vars", json={"room_name": "lab", "participant_label": "carol", "vars": {"age": 44, "group": "B"}}, headers=AUTH
    )
    assert resp.status_code == 200
    session = (await client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 2, "room_name": "lab"}, headers=AUTH)).json()
    code = code_of(await client.get("/room/lab?participant_label=carol&welcome_page_ok=1"))
    carol = store.participant_by_code(code)
    assert (carol.label, carol.vars, carol.visited) == ("carol", {"age": 44, "group": "B"}, True)
    assert store.room("lab").pending_vars == {}
    detail = (await client.post(f"/api/get_session/{session['code']}", json={"participant_vars": ["age", "group"], "participant_labels": ["carol"]}, headers=AUTH)).json()
    assert detail["participants"] == [
        {"id_in_session": 1, "code": code, "label": "carol", "payoff_in_real_world_currency": 0.0, "status": "", "age": 44, "group": "B"}
    ]


async def test_room_without_session_waits_and_assigns_nobody(client: httpx.AsyncClient, store: Any) -> None:
    before = snapshot(store)
    resp = await client.get("/room/lab?participant_label=alice&welcome_page_ok=1")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert 'http-equiv="refresh"' in resp.text and "The lab" in resp.text
    assert snapshot(store) == before


async def test_room_welcome_page_comes_first_and_assigns_nobody(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    """oTree 6.0.15 (observed): without welcome_page_ok the room answers its welcome page, whose
    Start reloads the URL with welcome_page_ok=1; only that request assigns."""
    code = (await create("solo", 2, room_name="lab"))["code"]
    before = snapshot(store)
    resp = await client.get("/room/lab?participant_label=alice")
    assert resp.status_code == 200 and "Welcome" in resp.text
    assert 'name="welcome_page_ok" value="1"' in resp.text and 'value="alice"' in resp.text
    assert snapshot(store) == before
    assert code_of(await client.get("/room/lab?participant_label=alice&welcome_page_ok=1")) == store.participants_of_session(code)[0].code


async def test_same_label_keeps_its_participant_and_others_get_the_next(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    code = (await create("solo", 2, room_name="lab"))["code"]
    alice = code_of(await client.get("/room/lab?participant_label=alice&welcome_page_ok=1"))
    resp = await client.get("/room/lab/?participant_label=alice&welcome_page_ok=1")
    assert resp.status_code == 307 and resp.headers["location"] == f"{BASE}/room/lab?participant_label=alice&welcome_page_ok=1"
    assert code_of(await client.get(resp.headers["location"])) == alice
    bob = code_of(await client.get("/room/lab?participant_label=bob&welcome_page_ok=1"))
    assert [p.code for p in store.participants_of_session(code)] == [alice, bob]
    resp = await client.get("/room/lab?participant_label=carol&welcome_page_ok=1")
    assert (resp.status_code, resp.text) == (404, "Session is full.")
    assert code_of(await client.get("/room/lab?participant_label=bob&welcome_page_ok=1")) == bob  # still welcome back


async def test_room_errors(create: Callable[..., Any], client: httpx.AsyncClient) -> None:
    resp = await client.get("/room/attic?participant_label=alice")
    assert (resp.status_code, resp.text) == (404, "Invalid room specified in url")
    await create("solo", 2, room_name="lab")
    # past the welcome page (welcome_page_ok=1), oTree 6.0.15's own bare answers
    resp = await client.get("/room/lab?participant_label=mallory&welcome_page_ok=1")
    assert (resp.status_code, resp.text) == (404, "<pre>{'participant_label': 'This participant label was not found'}</pre>")
    resp = await client.get("/room/lab?welcome_page_ok=1")
    assert (resp.status_code, resp.text) == (404, "<pre>{'participant_label': 'Please enter a participant label'}</pre>")
    # a person first sees oTree's welcome page (200 whatever the label), the label filled in, styled
    resp = await client.get("/room/lab?participant_label=mallory")
    assert resp.status_code == 200 and 'value="mallory"' in resp.text
    assert '<link rel="stylesheet" href="/static/css/simlab-pages.css">' in resp.text
    assert (await client.get("/static/css/simlab-pages.css")).status_code == 200
    # its Start asks the server first (oTree's AssignVisitorToRoom.post) and shows the error beside the field
    assert 'data-field-error="participant_label"' in resp.text
    checked = await client.post("/room/lab?participant_label=mallory", json={})
    assert checked.json() == {"errors": {"participant_label": "This participant label was not found"}}
    assert (await client.post("/room/lab", json={"participant_label": "alice"})).json() == {"status": "ok"}
    assert (await client.post("/room/lab", json={})).json() == {"errors": {"participant_label": "Please enter a participant label"}}
    assert (await client.post("/room/lab", content=b"{nope")).status_code == 400
    resp = await client.get("/room/lab")  # a label file but no label: the welcome page asks for it
    assert resp.status_code == 200 and 'name="participant_label"' in resp.text


async def test_room_without_label_file_takes_anyone(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    await create("solo", 2, room_name="open")
    first_visit = await client.get("/room/open?welcome_page_ok=1")
    first = code_of(first_visit)
    # the browser keeps its participant (oTree's session cookie) ...
    assert code_of(await client.get("/room/open?welcome_page_ok=1")) == first
    # ... and a label still gets the next one
    client.cookies.clear()
    second = code_of(await client.get("/room/open?participant_label=whoever&welcome_page_ok=1"))
    assert first != second and store.participant_by_code(second).label == "whoever"


async def test_session_wide_link(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    data = await create("solo", 2)
    path = urlsplit(data["session_wide_url"]).path
    first = code_of(await client.get(path))
    assert code_of(await client.get(path)) == first  # the same browser (cookie) keeps its participant
    client.cookies.clear()
    resp = await client.get(path + "/")
    assert resp.status_code == 307 and resp.headers["location"] == BASE + path
    second = code_of(await client.get(path))
    assert [first, second] == [p.code for p in store.participants_of_session(data["code"])]
    client.cookies.clear()
    resp = await client.get(path)
    assert (resp.status_code, resp.text) == (404, "Session is full.")
    resp = await client.get("/join/nosuch00")
    assert resp.status_code == 404


async def test_session_wide_link_records_a_label(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    data = await create("solo", 2)
    path = urlsplit(data["session_wide_url"]).path
    code = code_of(await client.get(path, params={"participant_label": "panel_9"}))
    assert store.participant_by_code(code).label == "panel_9"
    assert code_of(await client.get(path, params={"participant_label": "panel_9"})) == code  # by label, not cookie


async def test_initialize_participant_records_the_label(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    """The recruitment-lobby pattern: a start link with ?participant_label= (oTree keeps it; it was lost)."""
    data = await create("solo", 2)
    p, q = store.participants_of_session(data["code"])
    resp = await client.get(f"/InitializeParticipant/{p.code}", params={"participant_label": "prolific_123"})
    assert resp.status_code == 302 and p.label == "prolific_123"
    await client.get(f"/InitializeParticipant/{p.code}", params={"participant_label": "other"})
    assert p.label == "prolific_123"  # a label already set stays (oTree: "might already have been set")
    resp = await client.get(f"/InitializeParticipant/{q.code}", params={"participant_label": "x" * 101})
    assert (resp.status_code, resp.text) == (404, "participant_label is too long or malformed: " + "x" * 101)
    assert q.label is None and q.visited  # started all the same, as oTree commits it (observed)
    detail = (await client.post(f"/api/get_session/{data['code']}", headers=AUTH)).json()
    assert [x["label"] for x in detail["participants"]] == ["prolific_123", None]


async def test_initialize_participant_enters_the_dallinger_flow(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    data = await create("solo", 2)
    p = store.participants_of_session(data["code"])[1]
    resp = await client.get(f"/InitializeParticipant/{p.code}")
    assert resp.status_code == 302 and p.visited
    url = urlsplit(resp.headers["location"])
    assert url.path == "/exp"
    assert parse_qs(url.query) == {
        "participant_id": [str(p.id)], "hit_id": [data["code"]], "assignment_id": [p.code], "worker_id": [p.code],
        "mode": ["otree"], "participant_code": [p.code],
    }
    resp = await client.get("/InitializeParticipant/nosuch00")
    assert (resp.status_code, resp.text) == (404, "Not found (maybe the session was deleted): Participant, {'code': 'nosuch00'}")


async def test_session_start_links(create: Callable[..., Any], client: httpx.AsyncClient, store: Any) -> None:
    data = await create("solo", 2, room_name="lab")
    resp = await client.get(urlsplit(data["admin_url"]).path)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    for p in store.participants_of_session(data["code"]):
        assert f"{BASE}/InitializeParticipant/{p.code}" in resp.text
    assert data["session_wide_url"] in resp.text and f"{BASE}/room/lab" in resp.text
    assert (await client.get("/SessionStartLinks/nosuch00")).status_code == 404


async def test_demo_runs_mock_exogenous_data(client: httpx.AsyncClient, store: Any) -> None:
    resp = await client.get("/demo/trio")
    assert resp.status_code == 302 and resp.headers["location"].startswith("/join/")
    session = store.session_by_join_code(resp.headers["location"].rsplit("/", 1)[1])
    assert session.is_demo and session.num_participants == 3  # num_demo_participants
    assert session.vars == {"mocked": "trio"}
    participants = store.participants_of_session(session.code)
    assert [(p.label, p.vars) for p in participants] == [("mock1", {"age": 21}), ("mock2", {"age": 22}), ("mock3", {"age": 23})]
    # a config without mock_exogenous_data=True: no mock
    resp = await client.get("/demo/solo")
    session = store.session_by_join_code(resp.headers["location"].rsplit("/", 1)[1])
    assert session.vars == {} and all(p.label is None for p in store.participants_of_session(session.code))
    resp = await client.get("/demo/nope")
    assert resp.status_code == 404


async def test_mock_never_runs_for_rest_sessions(create: Callable[..., Any], store: Any) -> None:
    for room in (None, "lab"):
        code = (await create("trio", 3, room_name=room))["code"]
        assert store.session_by_code(code).vars == {}
        assert all(p.label is None and p.vars == {} for p in store.participants_of_session(code))


async def test_in_process_bot_session_runs_mock(exp: Any, study: StudySettings) -> None:
    """What the scenario runner calls for bot sessions."""
    with exp.store.transaction():
        session = otree.create_session(exp, study, "trio", None, is_demo=True, run_mock=True)
    assert session.vars == {"mocked": "trio"} and session.is_demo
    with exp.store.transaction():
        plain = otree.create_session(exp, study, "trio", 3)
    assert plain.vars == {}
    with exp.store.transaction():  # issue 7: never for a session created in a room
        in_room = otree.create_session(exp, study, "trio", 3, room_name="lab", is_demo=True, run_mock=True)
    assert in_room.vars == {}


async def test_failing_mock_leaves_nothing(exp: Any, study: StudySettings, tmp_path: Any) -> None:
    from simlab.errors import HookError

    from .conftest import study_namespace

    def broken(session: Any) -> None:
        session.vars["half"] = True
        raise RuntimeError("boom")

    ns = study_namespace(tmp_path)
    ns["mock_exogenous_data"] = broken
    bad_study = StudySettings.from_namespace(ns, tmp_path)
    before = snapshot(exp.store)
    try:
        with exp.store.transaction():
            otree.create_session(exp, bad_study, "trio", 3, is_demo=True, run_mock=True)
    except HookError as exc:
        assert isinstance(exc.__cause__, RuntimeError)
    else:
        raise AssertionError("HookError expected")
    assert snapshot(exp.store) == before


async def test_admin_pages_need_the_admin_password_when_auth_is_on(study: StudySettings) -> None:
    import base64

    from simlab import Settings
    from simlab.web import create_app

    auth = {"Authorization": "Basic " + base64.b64encode(b"admin:pw").decode()}
    for level, demo_open in (("DEMO", True), ("STUDY", False)):
        settings = Settings(otree_auth_level=level, otree_rest_key="k", admin_password="pw")
        app = create_app(study=study, settings=settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as c:
            demo = await c.get("/demo/trio")
            assert (demo.status_code == 302) is demo_open, (level, demo.status_code)
            demo = await c.get("/demo/trio", headers=auth)
            assert demo.status_code == 302
            code = app.extensions["simlab"].store.rows("session")[-1].code
            assert (await c.get(f"/SessionStartLinks/{code}")).status_code == 401
            assert (await c.get(f"/SessionStartLinks/{code}", headers=auth)).status_code == 200
