"""The live page's routes: the page, its assets, its state as JSON and as a Server-Sent Events stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import trio
from quart import Response
from quart_trio import QuartTrio

from ...engine.reporting.live import LiveState

HERE = Path(__file__).parent
ASSETS = {
    "chart.umd.min.js": "text/javascript",
    "live.js": "text/javascript",
    "live.css": "text/css",
}

#: Least real time between two frames of a stream (a busy run touches the state per request).
FRAME_SECONDS = 0.5


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, default=str, separators=(',', ':'))}\n\n".encode()


def live_app(state: LiveState, *, frame: float = FRAME_SECONDS) -> QuartTrio:
    """A QuartTrio app showing ``state``; ``/events`` sends ``stats`` and ``networks`` events."""
    app = QuartTrio(__name__, static_folder=None)

    @app.get("/")
    async def page() -> Response:
        return Response((HERE / "page.html").read_text(encoding="utf-8"), mimetype="text/html")

    @app.get("/static/<name>")
    async def asset(name: str) -> Response:
        if name not in ASSETS:
            return Response("not found", status=404, mimetype="text/plain")
        return Response((HERE / name).read_bytes(), mimetype=ASSETS[name], headers={"Cache-Control": "max-age=3600"})

    @app.get("/state.json")
    async def state_json() -> Response:
        return Response(json.dumps({**state.stats_json(), "networks": state.networks_json()}, default=str), mimetype="application/json")

    @app.get("/events")
    async def events() -> Response:
        async def stream() -> AsyncIterator[bytes]:
            state.watchers += 1
            sent_networks = -1
            try:
                while True:
                    yield _event("stats", state.stats_json())
                    if state.snapshot_version != sent_networks:
                        sent_networks = state.snapshot_version
                        yield _event("networks", state.networks_json())
                    if state.phase == "finished":
                        yield _event("end", {})
                        return
                    await state.changed()
                    await trio.sleep(frame)
            finally:
                state.watchers -= 1
                state.touch()  # the run may be waiting for its last page to have seen the end

        response = Response(stream(), mimetype="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        response.timeout = None  # a stream lasts as long as the run
        return response

    return app
