"""Serve Dallinger's own demo experiments, unedited, in process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source

DEMOS = Path(__file__).resolve().parents[3] / "shared" / "dallinger-demos"


def demo_folder(name: str) -> Path:
    folder = DEMOS / name
    if not (folder / "experiment.py").is_file():
        pytest.skip(f"Dallinger's demo {name} is not at {folder} (../shared/dallinger-demos beside the checkout)")
    return folder


@pytest.fixture(name="serve_demo")
async def _serve_demo(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Callable[..., Any]]:
    """``await serve_demo(name)`` -> (app, client); the client has launched the experiment."""
    clients: list[httpx.AsyncClient] = []

    async def serve(name: str, *, launch: bool = True) -> tuple[Any, httpx.AsyncClient]:
        folder = demo_folder(name)
        server = build_server(load_source(folder), Settings(seed=7))
        app = server.app
        monkeypatch.chdir(server.working_dir)  # Dallinger runs an experiment from its folder
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000")
        clients.append(client)
        if launch:
            resp = await client.post("/launch")
            assert resp.status_code == 200, resp.text
        return app, client

    yield serve
    for client in clients:
        await client.aclose()


async def sign_up(client: httpx.AsyncClient, n: int) -> int:
    resp = await client.post(f"/participant/W{n}/H1/A{n}/debug")
    assert resp.status_code == 200, resp.text
    return resp.json()["participant"]["id"]


async def finish(client: httpx.AsyncClient, pid: int) -> str:
    """Questionnaire, worker_complete, and the participant's status after it."""
    resp = await client.post(
        f"/question/{pid}", data={"question": "questionnaire", "number": 1, "response": '{"engagement": 4}'}
    )
    assert resp.status_code == 200, resp.text
    resp = await client.get("/worker_complete", params={"participant_id": pid})
    assert resp.status_code == 200, resp.text
    return (await client.get(f"/participant/{pid}")).json()["participant"]["status"]
