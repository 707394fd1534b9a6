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
    assert {k: identity.get(k) for k in ("workerId", "hitId", "assignmentId", "mode", "recruiter", "uniqueId")} == {
        "workerId": "W", "hitId": "H", "assignmentId": "A", "mode": "debug", "recruiter": "hotair", "uniqueId": "W:A"
    }
    assert log["participantId"] == 7  # the server's id, a number, as Dallinger keeps it
    assert log["bareParameter"] is True  # getUrlParameter("flag") on ?flag


def test_sign_up_sends_entry_information_and_the_fingerprint(log: dict[str, Any]) -> None:
    signup = sent(log, "POST", "/participant")
    # Every query parameter but mode (the server takes the mode from its config).
    assert parse_qs(signup["body"]) == {
        "workerId": ["W"], "hitId": ["H"], "assignmentId": ["A"], "recruiter": ["hotair"], "extra": ["x"],
        "fingerprint_hash": ["f1a2b3"],
    }
    assert log["fingerprint"] == "f1a2b3"
    # The Begin button (.btn-success) is disabled while signing up, then enabled again.
    assert signup["buttonsDisabled"] == [True] and log["beginEnabledAfter"] is True


def test_requests_are_form_encoded_with_the_xhr_header(log: dict[str, Any]) -> None:
    signup = sent(log, "POST", "/participant")
    assert signup["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert signup["headers"]["X-Requested-With"] == "XMLHttpRequest"
    assert signup["headers"]["Accept"] == "application/json, text/javascript"
    transmissions = sent(log, "GET", "/node/3/transmissions")
    assert transmissions["body"] == ""
    assert parse_qs(transmissions["query"]) == {"status": ["pending"], "details": ['{"a":1}']}
    assert parse_qs(sent(log, "POST", "/info/3")["body"]) == {"contents": ["a b&c"]}


def test_deferreds_and_ajax_rejections(log: dict[str, Any]) -> None:
    assert log["done"] == 3
    fail = log["fail"]
    assert (fail["status"], fail["route"], fail["method"], fail["errorCode"]) == (400, "/info/3", "post", "bad_info")
    assert "error-response" in fail["html"]
    assert fail["data"] == {"contents": "a b&c"}  # the request's data, as Dallinger's AjaxRejection
    assert json.loads(fail["requestJSON"]) == {"route": "/info/3", "data": '{"contents":"a b&c"}', "method": "post"}
    assert log["chained"] == 403  # the bare {"status": "error"} of POST /node rejects too
    assert log["thenKeepsDone"] == "function"
    assert log["deferredState"] == "rejected"


def test_later_pages_keep_the_identity(log: dict[str, Any]) -> None:
    assert log["laterIdentity"] == {"workerId": "W", "assignmentId": "A", "participantId": 7}
    # A URL naming another assignment starts a new identity.
    assert log["newIdentity"] == {"workerId": "W2"}  # no participantId any more


def test_questionnaire_goes_on_to_submit_the_assignment(log: dict[str, Any]) -> None:
    after = log["sent"][log["sentBeforeQuestionnaire"]:]
    assert [(r["method"], r["path"]) for r in after[:2]] == [("POST", "/question/7"), ("POST", "/worker_complete")]
    question = parse_qs(after[0]["body"])
    assert question["question"] == ["questionnaire"] and question["number"] == ["1"]
    assert json.loads(question["response"][0]) == {"engagement": "4", "color": "blue"}
    assert parse_qs(after[1]["body"]) == {"participant_id": ["7"]}
    assert log["spins"] == [1, 1]  # BusyForm spun while posting, stopped after


def test_navigation_and_exit(log: dict[str, Any]) -> None:
    questionnaire, exit_url, before_signup = log["assigned"]
    assert questionnaire == "/questionnaire?participant_id=7"
    assert exit_url == "/recruiter-exit?participant_id=7"
    # Opened from the ad: the ad window shows the exit page and the study window closes.
    assert log["openerLocation"] == "/recruiter-exit?participant_id=7" and log["closed"] is True
    assert before_signup == "/instructions?assignmentId=A2&hitId=H&workerId=W2&mode=debug"
    assert log["exitPrompted"] is True and log["exitAllowed"] is True and log["allowedAfterSubmit"] is True


def test_error_without_html_posts_to_the_error_page(log: dict[str, Any]) -> None:
    form = log["errorForm"]
    assert (form["action"], form["method"], form["submitted"]) == ("/error-page", "POST", True)
    assert form["inputs"] == {
        "participant_id": 7, "request_data": '{"route":"/x"}', "recruiter": "hotair", "mode": "debug",
        "hit_id": "H", "worker_id": "W", "assignment_id": "A", "fingerprint_hash": "f1a2b3",
    }


def test_page_helpers(log: dict[str, Any]) -> None:
    assert log["adBlocker"] is True  # the bait element has no height in the fake DOM
    assert log["frozen"] is True and log["unfrozen"] is True
    assert log["skip"] is True
    loaded = log["loaded"]
    assert (loaded["participantId"], loaded["workerId"], loaded["assignmentId"], loaded["fingerprintHash"]) == (
        9, "W9", "A9", "fp9"
    )
    assert parse_qs(sent(log, "POST", "/load-participant")["body"]) == {"assignment_id": ["A9"]}


def test_waiting_room_waits_for_the_quorum(log: dict[str, Any]) -> None:
    before, after = log["quorumBefore"], log["quorumAfter"]
    assert before["joined"] is False and before["width"] == "50%"
    assert before["url"] == "ws://127.0.0.1:5000/chat?channel=quorum&worker_id=QW&participant_id=8"
    assert after == {"joined": True, "width": "100%", "text": "100%"}
