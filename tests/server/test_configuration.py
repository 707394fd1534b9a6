"""One rule for configuration, whichever way the experiment is served.

The same two values (a protected route and a base payment) come from each source
in turn: config.txt, the class attribute ``config = {...}``, the environment, a
flag (``--config`` / a caller's overrides); each way of serving must honour them:
``POST /info/1`` without the admin's password answers 401, a new participant's
``base_pay`` is 7.5.  (The class attribute used to be dropped by ``simlab serve``.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source

PROTECTED = ["/info/<int:node_id>"]
SOURCES = ["config.txt", "class attribute", "environment", "flag"]

EXPERIMENT = """
from simlab import Chain, Experiment


class Base(Experiment):
    def create_network(self):
        return Chain(max_size=3)


class Mine(Base):
{body}
"""


def write_experiment(folder: Path, source: str) -> Path:
    body = "    pass"
    if source == "class attribute":
        body = f"    config = {{'protected_routes': {PROTECTED!r}, 'base_payment': 7.5}}"
    path = folder / "exp.py"
    path.write_text(textwrap.dedent(EXPERIMENT).format(body=body))
    if source == "config.txt":
        (folder / "config.txt").write_text(f"[Parameters]\nbase_payment = 7.5\nprotected_routes = {json.dumps(PROTECTED)}\n")
    return path


def environment(source: str) -> dict[str, str]:
    if source == "environment":
        return {"BASE_PAYMENT": "7.5", "PROTECTED_ROUTES": json.dumps(PROTECTED)}
    return {}


def flags(source: str) -> dict[str, str]:
    return {"base_payment": "7.5", "protected_routes": json.dumps(PROTECTED)} if source == "flag" else {}


def check(client: httpx.Client) -> None:
    assert client.post("/launch").status_code == 200
    created = client.post("/participant/w1/h1/a1/debug")
    assert created.status_code == 200, created.text
    assert client.get("/worker_complete", params={"participant_id": 1}).status_code == 200
    assert client.get("/participant/1").json()["participant"]["base_pay"] == 7.5
    assert client.post("/info/1", data={"contents": "x"}).status_code == 401


@pytest.mark.parametrize("source", SOURCES)
async def test_in_process(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_experiment(tmp_path, source)
    for key, value in environment(source).items():
        monkeypatch.setenv(key, value)
    server = build_server(load_source(path), Settings(seed=1), config=flags(source))
    assert server.app.experiment.__class__.__name__ == "Mine"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server.app), base_url="http://127.0.0.1:5000") as client:
        assert (await client.post("/launch")).status_code == 200
        assert (await client.post("/participant/w1/h1/a1/debug")).status_code == 200
        assert (await client.get("/worker_complete", params={"participant_id": 1})).status_code == 200
        assert (await client.get("/participant/1")).json()["participant"]["base_pay"] == 7.5
        assert (await client.post("/info/1", data={"contents": "x"})).status_code == 401


@pytest.fixture(name="served")
def _served(tmp_path: Path) -> Iterator[object]:
    procs: list[subprocess.Popen[str]] = []

    def serve(path: Path, env: dict[str, str], config: dict[str, str]) -> tuple[str, str]:
        cmd = [sys.executable, "-m", "simlab", "serve", str(path), "--in-memory", "--port", "0", "--log-level", "WARNING"]
        for key, value in config.items():
            cmd += ["--config", f"{key}={value}"]
        proc = subprocess.Popen(
            cmd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "simlab: serving <what> on <url>", printed once it listens
        assert " on http://" in line, line + proc.stdout.read()
        return line.rsplit(" on ", 1)[1].strip(), line

    yield serve
    for proc in procs:
        proc.terminate()
        proc.communicate(timeout=20)


@pytest.mark.parametrize("source", SOURCES)
def test_simlab_serve(source: str, tmp_path: Path, served: object) -> None:
    path = write_experiment(tmp_path, source)
    url, line = served(path, environment(source), flags(source))  # type: ignore[operator]
    assert "serving Mine from" in line
    with httpx.Client(base_url=url, timeout=10) as client:
        check(client)


def test_a_flag_wins_over_the_environment_which_wins_over_config_txt_which_wins_over_the_class(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, "class attribute")
    (tmp_path / "config.txt").write_text("[Parameters]\nbase_payment = 2.0\ntitle = from config.txt\ndescription = txt\n")
    source = load_source(path)
    env = {"BASE_PAYMENT": "3.0", "TITLE": "from the environment"}
    config = source.make_config({"base_payment": "4.0"}, environ=env)
    assert config.get("base_payment") == 4.0
    assert config.get("title") == "from the environment"
    assert config.get("description") == "txt"
    assert config.get("protected_routes") == PROTECTED  # the class attribute, not overridden
    assert source.make_config(environ={}).get("base_payment") == 2.0


def test_a_bad_flag_is_one_line(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, "flag")
    run = subprocess.run(
        [sys.executable, "-m", "simlab", "serve", str(path), "--in-memory", "--config", "base_payment"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 2 and run.stderr.strip() == "simlab serve: --config 'base_payment': expected KEY=VALUE"
