"""``simlab serve`` launches the experiment as ``dallinger debug`` does, unless ``--no-launch``.

Readiness is the server's own stdout line, never a sleep.  The README's oTree
walk-through (a participant opening the room right after the server starts) works
without any ``POST /launch`` of the user's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    """Start ``simlab serve ARGS``; yield its URL and its stdout lines up to the launch line."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", *args, "--in-memory", "--port", str(port), "--log-level", "WARNING"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, **(env or {})},
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith(("simlab: launched", "simlab: waiting for POST /launch", "simlab: POST /launch failed")):
                break
        else:
            raise AssertionError(f"simlab serve ended: {lines}")
        if lines[-1].startswith("simlab: launched"):
            # the recruitment list follows (the hotair recruiter's ad URLs), then the details
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                if line.startswith("Additional details:"):
                    lines.append(proc.stdout.readline().rstrip("\n"))
                    break
        yield f"http://127.0.0.1:{port}", lines
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


def test_serve_launches_and_prints_the_recruitment_links() -> None:
    with serve(str(ROOT / "examples" / "conformance.py")) as (url, lines):
        assert "simlab: launched the experiment" in lines
        assert "Initial recruitment list:" in lines
        assert any("/ad?" in line and "mode=debug" in line for line in lines), lines
        assert httpx.get(url + "/network/1").status_code == 200  # the Chain exists: launched
        # a second launch answers as Dallinger's: success, recruitment opened again, no second network
        again = httpx.post(url + "/launch")
        assert again.status_code == 200
        body = again.json()
        assert body["status"] == "success" and body["recruitment_msg"].startswith("Initial recruitment list:")
        assert httpx.get(url + "/network/2").status_code != 200


def test_no_launch_waits_for_a_clients_launch() -> None:
    with serve(str(ROOT / "examples" / "conformance.py"), "--no-launch") as (url, lines):
        assert lines[-1] == "simlab: waiting for POST /launch (--no-launch)"
        assert httpx.get(url + "/network/1").status_code != 200
        assert httpx.post(url + "/launch").json()["status"] == "success"
        assert httpx.get(url + "/network/1").status_code == 200


def test_the_readmes_otree_walkthrough_opens_the_room() -> None:
    headers = {"otree-rest-key": "k"}
    env = {"OTREE_AUTH_LEVEL": "STUDY", "OTREE_REST_KEY": "k"}
    with serve(str(ROOT / "examples" / "study" / "study.py"), env=env) as (url, _lines):
        # the README's requests helpers: oTree's docs' trailing-slash URLs, 307s followed as requests follows them
        httpx.post(url + "/api/participant_vars/", json={"room_name": "lab", "participant_label": "P1", "vars": {"treatment": "social"}},
                   headers=headers, follow_redirects=True).raise_for_status()
        httpx.post(url + "/api/sessions/", json={"session_config_name": "survey", "room_name": "lab", "num_participants": 4,
                   "modified_session_config_fields": {"num_questions": 12}}, headers=headers, follow_redirects=True).raise_for_status()
        welcome = httpx.get(url + "/room/lab", params={"participant_label": "P1"})
        assert welcome.status_code == 200 and 'value="P1"' in welcome.text  # oTree's welcome page first
        page = httpx.get(url + "/room/lab", params={"participant_label": "P1", "welcome_page_ok": "1"}, follow_redirects=True)  # its Start
        assert page.status_code == 200, page.text[:300]
        assert "/exp" in str(page.url)
        participant_id = page.url.params["participant_id"]
        node = httpx.post(f"{url}/node/{participant_id}")  # what the experiment page does next
        assert node.status_code == 200, node.text[:300]
