"""Serve an app with hypercorn's trio worker (the server behind ``simlab serve``)."""

from __future__ import annotations

import logging
from typing import Any

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve

from .config import Settings
from .server_gc import freeze_survivors


def hypercorn_config(settings: Settings) -> HypercornConfig:
    config = HypercornConfig()
    config.bind = [f"{settings.host}:{settings.port}"]
    config.accesslog = None
    config.errorlog = logging.getLogger("simlab.server")
    config.keep_alive_timeout = 75
    return config


async def serve(app: Any, settings: Settings, *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
    """Serve ``app`` until cancelled; ``task_status.started`` gets the bound URLs."""
    async with trio.open_nursery() as nursery:
        if settings.gc_freeze_interval > 0:
            nursery.start_soon(freeze_survivors, settings.gc_freeze_interval)
        await hypercorn_serve(app, hypercorn_config(settings), task_status=task_status)
        nursery.cancel_scope.cancel()
