"""oTree's fast path answers exactly what the Quart views answer, and defers everything else."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from simlab import Settings
from simlab.domain.otree import StudySettings
from simlab.store import GraphStore
from simlab.web import create_app

from .conftest import AUTH, BASE, KEY, ChainExperiment, study_namespace

WRONG = {"otree-rest-key": "nope"}


def fixed_clock() -> Any:
    ticks = itertools.count()
    start = datetime(2026, 1, 1, 12, 0, 0)
    return lambda: start + timedelta(milliseconds=next(ticks))


# (method, path, json body or raw bytes, headers); "{s}" / "{p}": the session and its first participant
REQUESTS: list[tuple[str, str, Any, dict[str, str]]] = [
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "alice", "vars": {"age": 30}}, AUTH),
    ("POST", "/api/session_vars", {"room_name": "lab", "vars": {"a": 1}}, AUTH),  # no session yet: 404
    ("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2, "room_name": "lab"}, AUTH),
    ("GET", "/room/lab?participant_label=alice&welcome_page_ok=1", None, {}),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "alice", "vars": {"b": [1, {"c": None}]}}, AUTH),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "bob", "vars": {"late": True}}, AUTH),
    ("POST", "/api/participant_vars", {"room_name": "attic", "participant_label": "bob", "vars": {}}, AUTH),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "bob"}, AUTH),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "bob", "vars": {}, "x": 1}, AUTH),
    ("POST", "/api/participant_vars", b"{not json", AUTH),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "bob", "vars": {}}, {}),
    ("POST", "/api/participant_vars", {"room_name": "lab", "participant_label": "bob", "vars": {}}, WRONG),
    ("POST", "/api/participant_vars/", {"room_name": "lab", "participant_label": "bob", "vars": {}}, AUTH),
    ("POST", "/api/session_vars", {"room_name": "lab", "vars": {"phase": "main", "probe": "<b>&"}}, AUTH),
    ("POST", "/api/session_vars", {"room_name": "lab", "vars": []}, AUTH),
    ("POST", "/api/session_vars/{s}", {"vars": {"round": 2}}, AUTH),
    ("POST", "/api/session_vars/nosuch00", {"vars": {"round": 2}}, AUTH),
    ("POST", "/api/participant_vars/{p}", {"vars": {"score": 3.5}}, AUTH),
    ("POST", "/api/participant_vars/nosuch00", {"vars": {"score": 3}}, AUTH),
    ("POST", "/api/get_session/{s}", {"participant_vars": ["age", "b", "score"], "session_vars": ["phase", "round", "probe"]}, AUTH),
    ("POST", "/api/get_session/{s}", None, AUTH),
    ("POST", "/api/get_session/{s}", {"participant_labels": ["alice"]}, AUTH),
    ("POST", "/api/get_session/{s}", {"participant_labels": "alice"}, AUTH),
    ("POST", "/api/get_session/nosuch00", {}, AUTH),
    ("POST", "/api/get_session/{s}", {}, WRONG),
    ("POST", "/api/get_session/{s}/", {}, AUTH),
    ("GET", "/api/sessions/{s}", {}, AUTH),
]


async def run_all(fast: bool, tmp_path: Path) -> tuple[list[tuple[int, dict[str, str], bytes]], Any]:
    study = StudySettings.from_namespace(study_namespace(tmp_path), tmp_path)
    settings = Settings(fast_path=fast, seed=3, otree_auth_level="STUDY", otree_rest_key=KEY)
    app = create_app(ChainExperiment, settings=settings, study=study, store=GraphStore(clock=fixed_clock()))
    out = []
    saved: dict[str, str] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        for method, path, body, headers in REQUESTS:
            kwargs: dict[str, Any] = {"headers": headers}
            if isinstance(body, bytes):
                kwargs["content"] = body
            elif body is not None:
                kwargs["json"] = body
            r = await client.request(method, path.format(**saved), **kwargs)
            if path == "/api/sessions":
                saved["s"] = r.json()["code"]
                saved["p"] = app.extensions["simlab"].store.participants_of_session(saved["s"])[0].code
            kept = {k: v for k, v in r.headers.items() if k not in ("date", "set-cookie")}
            out.append((r.status_code, kept, r.content))
    return out, app


async def test_fast_path_and_quart_answer_the_same(tmp_path: Path) -> None:
    (fast, _), (slow, _) = await run_all(True, tmp_path), await run_all(False, tmp_path)
    for request, a, b in zip(REQUESTS, fast, slow, strict=True):
        assert a == b, request
    statuses = [status for status, _, _ in fast]
    assert statuses.count(200) >= 10 and {400, 403, 404, 307} <= set(statuses)


async def test_fast_path_answers_the_plain_successes(tmp_path: Path) -> None:
    """Every success of the webhook routes is the fast path's; every refusal is Quart's."""
    served: list[str] = []
    from simlab.web.otree import fastpath

    original = fastpath.OTreeFastPath._dispatch

    def spy(self: Any, path: str, scope: Any, body: bytes) -> bytes:
        result = original(self, path, scope, body)
        served.append(path)
        return result

    fastpath.OTreeFastPath._dispatch = spy  # type: ignore[method-assign]
    try:
        answers, app = await run_all(True, tmp_path)
    finally:
        fastpath.OTreeFastPath._dispatch = original  # type: ignore[method-assign]
    assert app.otree_fast_path is not None
    hot = [
        (request[1], status) for request, (status, _, _) in zip(REQUESTS, answers)
        if request[0] == "POST" and request[1] != "/api/sessions" and not request[1].endswith("/")
    ]
    expected = [path for path, status in hot if status == 200]
    assert len(served) == len(expected) >= 9
    assert [p.split("/")[2] for p in served] == [p.split("/")[2] for p in expected]  # the route of each, in order


async def test_a_read_that_could_show_a_write_not_yet_durable_waits_and_is_refused_when_it_failed(tmp_path: Path) -> None:
    """get_session on the fast path follows the app's durability rule: what it shows must be durable."""
    from simlab.persistence.journal import JournalFailed

    class FailedJournal:
        def request_needs_wait(self) -> int:
            return 0  # the read wrote nothing itself ...

        def visible_seq(self) -> int:
            return 1  # ... but could show a write that is still in flight

        async def wait_durable(self, *seqs: int) -> None:
            raise JournalFailed("disk full")

    study = StudySettings.from_namespace(study_namespace(tmp_path), tmp_path)
    settings = Settings(seed=3, otree_auth_level="STUDY", otree_rest_key=KEY)
    app = create_app(ChainExperiment, settings=settings, study=study, store=GraphStore(clock=fixed_clock()))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        created = await client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 1}, headers=AUTH)
        assert app.otree_fast_path is not None
        app.otree_fast_path.journal = FailedJournal()
        response = await client.post(f"/api/get_session/{created.json()['code']}", json={}, headers=AUTH)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "disk full" in response.json()["message"]
