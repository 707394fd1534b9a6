"""Programs written for oTree's REST API get from ``simlab serve`` what they got from oTree 6.0.15.

``simlab serve`` serves the oracle's oTree project folder unedited
(``tests/differential/otree_project``) with the oracle's auth settings; each
program of ``client_programs.py`` runs against it and what it observed must
equal what it observed against the real oTree, recorded in
``client_programs.json``.  ``-m oracle`` runs them against the real server
again (``SIMLAB_OTREE_ORACLE``, default ``http://127.0.0.1:8000``; start it fresh
with the oracle script's ``reset``), records, and compares.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .client_programs import PROGRAMS

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "differential" / "otree_project"
RECORDED = Path(__file__).with_name("client_programs.json")
KEY = "conformance-key"
ENV = {"OTREE_AUTH_LEVEL": "STUDY", "OTREE_REST_KEY": KEY, "OTREE_ADMIN_PASSWORD": "conformance-admin"}
_CODE = re.compile(r"\b[a-z0-9]{8}\b")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(name="simlab_url", scope="module")
def _simlab_url() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(PROJECT), "--in-memory", "--port", str(port), "--log-level", "WARNING"],
        env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
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


def run_all(url: str) -> dict[str, Any]:
    """Every program in order on one server (as a fresh one: later programs see earlier sessions)."""
    return {name: program(url, KEY) for name, program in PROGRAMS.items()}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_observes_what_it_observed_with_otree(simlab_url: str, name: str) -> None:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))["programs"]
    assert PROGRAMS[name](simlab_url, KEY) == recorded[name]


def test_oracle_record(request: pytest.FixtureRequest, simlab_url: str) -> None:
    if "oracle" not in (request.config.option.markexpr or ""):
        pytest.skip("needs the real oTree 6.0.15: run with -m oracle")
    base = os.environ.get("SIMLAB_OTREE_ORACLE", "http://127.0.0.1:8000")
    observed = run_all(base)
    RECORDED.write_text(json.dumps({"server": "oTree 6.0.15", "programs": observed}, indent=1) + "\n", encoding="utf-8")
    assert run_all(simlab_url) == observed


test_oracle_record = pytest.mark.oracle(test_oracle_record)
