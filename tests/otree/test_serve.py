"""The oTree documentation's ``call_api`` pattern, unchanged but for httpx, against ``simlab serve``.

``simlab serve examples/study/study.py`` runs as a subprocess on a free loopback
port with ``OTREE_AUTH_LEVEL=STUDY OTREE_REST_KEY=k``; the client posts JSON to
the trailing-slash URLs with the ``otree-rest-key`` header, as oTree's docs do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "examples" / "study" / "study.py"



# requests.get/post as oTree's docs use them (httpx.get takes no json=, requests.get does).
def GET(url: str, json: Any = None, headers: Any = None) -> httpx.Response:
    return httpx.request("GET", url, json=json, headers=headers)


def POST(url: str, json: Any = None, headers: Any = None) -> httpx.Response:
    return httpx.post(url, json=json, headers=headers)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(name="server_url")
def _server_url() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "OTREE_AUTH_LEVEL": "STUDY", "OTREE_REST_KEY": "k"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(STUDY), "--in-memory", "--port", str(port), "--log-level", "WARNING"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"simlab serve exited: {proc.stdout.read().decode() if proc.stdout else ''}")
            try:
                httpx.get(url + "/api/otree_version", timeout=0.5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_documented_call_api_pattern(server_url: str) -> None:
    SERVER_URL = server_url
    REST_KEY = "k"

    # oTree's documented helper (https://otree.readthedocs.io, "REST"), with httpx for requests
    def call_api(method: Any, endpoint: str, **params: Any) -> Any:
        resp = method(SERVER_URL + f"/api/{endpoint}/", json=params, headers={"otree-rest-key": REST_KEY})
        if not resp.is_success:
            msg = f'Request to "/api/{endpoint}" failed with status code {resp.status_code}: {resp.text}'
            raise Exception(msg)
        return resp.json()

    assert call_api(GET, "otree_version") == {"version": "6.0.15"}
    assert [c["name"] for c in call_api(GET, "session_configs")] == ["transmission", "survey"]
    assert call_api(GET, "rooms") == [{"name": "lab", "session_code": None, "url": f"{SERVER_URL}/room/lab"}]

    call_api(POST, "participant_vars", room_name="lab", participant_label="P1", vars=dict(treatment="social", age=31))
    data = call_api(
        POST, "sessions", session_config_name="survey", room_name="lab", num_participants=4,
        modified_session_config_fields=dict(num_questions=12, abc=[1, 2, 3]),
    )
    code = data["code"]
    assert data["room_url"] == f"{SERVER_URL}/room/lab"
    call_api(POST, "session_vars", room_name="lab", vars=dict(phase="warmup"))  # the 3.0 form
    call_api(POST, f"session_vars/{code}", vars=dict(started=True))  # the 6.x form

    # the participant arrives through the room and gets the vars posted before arrival
    resp = httpx.get(f"{SERVER_URL}/room/lab", params={"participant_label": "P1"})
    assert resp.status_code == 302
    resp = httpx.get(SERVER_URL + resp.headers["location"])
    assert resp.status_code == 302 and resp.headers["location"].startswith("/exp?participant_id=")
    pcode = call_api(POST, f"get_session/{code}")["participants"][0]["code"]
    call_api(POST, f"participant_vars/{pcode}", vars=dict(score=3))

    session = call_api(POST, f"get_session/{code}", participant_vars=["treatment", "age", "score"], session_vars=["phase", "started"])
    assert session["config"]["num_questions"] == 12 and session["config"]["abc"] == [1, 2, 3]
    assert (session["phase"], session["started"], session["REAL_WORLD_CURRENCY_CODE"]) == ("warmup", True, "EUR")
    first = session["participants"][0]
    assert (first["label"], first["treatment"], first["age"], first["score"]) == ("P1", "social", 31, 3)
    assert [s["code"] for s in call_api(GET, "sessions")] == [code]

    # a wrong key is refused with oTree's text
    resp = httpx.post(SERVER_URL + "/api/sessions/", json={}, headers={"otree-rest-key": "nope"})
    assert (resp.status_code, resp.text) == (403, "HTTP Request Header otree-rest-key is incorrect")
    with pytest.raises(Exception, match=r'Request to "/api/sessions" failed with status code 400: Session Config'):
        call_api(POST, "sessions", session_config_name="transmission", num_participants=3)
