"""The oTree documentation's ``call_api`` pattern, unchanged (``requests``), against ``simlab serve``.

``simlab serve examples/study/study.py`` runs as a subprocess on a free loopback
port with ``OTREE_AUTH_LEVEL=STUDY OTREE_REST_KEY=k``; the client posts JSON to
the trailing-slash URLs with the ``otree-rest-key`` header, as oTree's docs do,
and ``requests`` follows oTree's 307 to the slash-less route with the same body.
The status lines carry reason phrases (read off a raw socket).
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



from requests import get as GET, post as POST  # noqa: E402  (oTree's docs: requests.get / requests.post)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(name="server_url", scope="module")
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

    # oTree's documented helper (https://otree.readthedocs.io, "REST"), as written there
    def call_api(method: Any, endpoint: str, **params: Any) -> Any:
        resp = method(SERVER_URL + f"/api/{endpoint}/", json=params, headers={"otree-rest-key": REST_KEY})
        if not resp.ok:
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
    resp = httpx.get(f"{SERVER_URL}/room/lab", params={"participant_label": "P1", "welcome_page_ok": "1"})
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
    resp = httpx.post(SERVER_URL + "/api/sessions", json={}, headers={"otree-rest-key": "nope"})
    assert (resp.status_code, resp.text) == (403, "HTTP Request Header otree-rest-key is incorrect")
    with pytest.raises(Exception, match=r'Request to "/api/sessions" failed with status code 400: Session Config'):
        call_api(POST, "sessions", session_config_name="transmission", num_participants=3)


def status_line(url: str, request: bytes) -> bytes:
    """The first line of the server's answer to ``request``, read off a raw socket."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n", 1)[0]


@pytest.mark.parametrize(
    ("request_bytes", "line"),
    [
        (b"GET /api/sessions HTTP/1.1\r\nHost: x\r\notree-rest-key: k\r\n\r\n", b"HTTP/1.1 200 OK"),
        (b"GET /api/sessions/ HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 307 Temporary Redirect"),
        (b"POST /api/sessions HTTP/1.1\r\nHost: x\r\notree-rest-key: k\r\nContent-Length: 2\r\n\r\n{}",
         b"HTTP/1.1 400 Bad Request"),
        (b"GET /api/sessions HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 403 Forbidden"),
        (b"GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 404 Not Found"),
        (b"DELETE /api/otree_version HTTP/1.1\r\nHost: x\r\notree-rest-key: k\r\n\r\n", b"HTTP/1.1 405 Method Not Allowed"),
        (b"GET /room/lab?participant_label=P9 HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 200 OK"),
        (b"GET /network/999 HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 403 Forbidden"),  # Dallinger's API too (no such network)
        (b"GET /nope HTTP/1.1\r\nHost x\r\n\r\n", b"HTTP/1.1 400 Bad Request"),  # refused by h11 itself
    ],
)
def test_status_lines_carry_reason_phrases(server_url: str, request_bytes: bytes, line: bytes) -> None:
    """hypercorn alone sends ``HTTP/1.1 400 `` (no phrase); oTree's uvicorn and Dallinger's gunicorn do not."""
    assert status_line(server_url, request_bytes) == line


def test_raise_for_status_names_the_reason(server_url: str) -> None:
    import requests

    resp = requests.post(server_url + "/api/sessions", json={}, headers={"otree-rest-key": "k"})
    with pytest.raises(requests.HTTPError, match=r"^400 Client Error: Bad Request for url: "):
        resp.raise_for_status()
