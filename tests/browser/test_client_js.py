"""dallinger2.js's wire format and promise behaviour, checked in Node without a browser.

Skipped when ``node`` is absent: the browser test covers the client end to end; this
one pins the details (form encoding, query strings, ``.done``/``.fail``, rejections).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

NODE = shutil.which("node")
CLIENT = Path(__file__).resolve().parents[2] / "simlab" / "web" / "static" / "scripts" / "dallinger2.js"
HARNESS = Path(__file__).with_name("client_harness.js")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is absent (apt-get install nodejs to run this test)")


@pytest.fixture(name="log", scope="module")
def _log() -> dict[str, Any]:
    assert NODE is not None
    search = "?workerId=W&hitId=H&assignmentId=A&mode=debug&recruiter=hotair&extra=x"
    out = subprocess.run([NODE, str(HARNESS), str(CLIENT), search], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


def sent(log: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return next(r for r in log["sent"] if (r["method"], r["path"]) == (method, path))


def test_identity_comes_from_the_page_url(log: dict[str, Any]) -> None:
    identity = log["identity"]
    assert {k: identity.get(k) for k in ("workerId", "hitId", "assignmentId", "mode", "recruiter")} == {
        "workerId": "W", "hitId": "H", "assignmentId": "A", "mode": "debug", "recruiter": "hotair"
    }
    assert log["participantId"] == "7"


def test_requests_are_form_encoded_with_the_xhr_header(log: dict[str, Any]) -> None:
    signup = sent(log, "POST", "/participant")
    assert parse_qs(signup["body"]) == {
        "workerId": ["W"], "hitId": ["H"], "assignmentId": ["A"], "mode": ["debug"], "recruiter": ["hotair"], "extra": ["x"]
    }
    assert signup["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert signup["headers"]["X-Requested-With"] == "XMLHttpRequest"
    transmissions = sent(log, "GET", "/node/3/transmissions")
    assert transmissions["body"] == ""
    assert parse_qs(transmissions["query"]) == {"status": ["pending"], "details": ['{"a":1}']}
    assert parse_qs(sent(log, "POST", "/info/3")["body"]) == {"contents": ["a b&c"]}


def test_promises_have_done_and_fail(log: dict[str, Any]) -> None:
    assert log["done"] == 3
    assert log["fail"]["status"] == 400
    assert "error-response" in log["fail"]["html"]
    assert log["chained"] == 403  # the bare {"status": "error"} of POST /node rejects too
    assert log["thenKeepsDone"] == "function"


def test_questionnaire_completion_and_navigation(log: dict[str, Any]) -> None:
    question = parse_qs(sent(log, "POST", "/question/7")["body"])
    assert question["question"] == ["questionnaire"] and question["number"] == ["1"]
    assert json.loads(question["response"][0]) == {}
    assert parse_qs(sent(log, "POST", "/worker_complete")["body"]) == {"participant_id": ["7"]}
    exit_url, next_page = log["assigned"]
    assert exit_url == "/recruiter-exit?participant_id=7"
    assert next_page.startswith("/questionnaire?") and parse_qs(next_page.split("?", 1)[1])["participant_id"] == ["7"]
