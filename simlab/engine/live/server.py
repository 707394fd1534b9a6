"""Serve the live page on a loopback port, in the run's own trio run (hypercorn's trio worker)."""

from __future__ import annotations

import logging
from typing import Any

import trio
from hypercorn.config import Config
from hypercorn.trio import serve

from .app import live_app
from .state import LiveState


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
