"""Serve the live page on a loopback port, in the run's own trio run (hypercorn's trio worker)."""

from __future__ import annotations

import logging
import socket
from typing import Any

import trio
from hypercorn.config import Config
from hypercorn.trio import serve

from .app import live_app
from ...engine.reporting.live import LiveState


def port_problem(port: int) -> str | None:
    """Why the live page cannot listen on 127.0.0.1:``port`` (one line), or None (0: any free port)."""
    if not 0 <= port <= 65535:
        return f"--web PORT must be 0-65535, got {port}"
    if port == 0:
        return None
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            reason = "the port is in use" if exc.errno == 98 else (exc.strerror or str(exc))
            return f"--web cannot listen on 127.0.0.1:{port}: {reason}"
    return None


def _config(port: int) -> Config:
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = logging.getLogger("simlab.live")
    config.graceful_timeout = 0.5  # the streams of a finished run close at once
    return config


async def serve_live(state: LiveState, *, port: int = 0, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
    """Serve ``state``'s page on 127.0.0.1:``port`` (0: a free one) until cancelled; ``started`` gets its URL."""
    async with trio.open_nursery() as nursery:
        binds = await nursery.start(serve, live_app(state), _config(port))
        task_status.started(binds[0].rstrip("/") + "/")
