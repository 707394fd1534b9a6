"""Serve an app with hypercorn's trio worker (the server behind ``simlab serve``)."""

from __future__ import annotations

import logging
import signal
import socket
from typing import TYPE_CHECKING, Any

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve

from ..asgi import ASGIApp
from ..config import Settings
from .gc_freeze import freeze_survivors
from ..store.sqlite import DataFileError
from .loading import LoadingGate
from ..errors import PortInUse

if TYPE_CHECKING:
    from .build import Server

logger = logging.getLogger("simlab.server")

#: Seconds requests in flight get to finish after SIGTERM / Ctrl-C.
GRACEFUL_SECONDS = 10.0


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (for a loopback server whose URL must be known before it starts)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, made before anything else so failures come first.

    Raises ``PortInUse`` with one line naming the address.
    """
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        reason = "the port is in use" if exc.errno == 98 else (exc.strerror or str(exc))
        raise PortInUse(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


def hypercorn_config(settings: Settings, sock: socket.socket | None = None) -> HypercornConfig:
    config = HypercornConfig()
    config.bind = [f"fd://{sock.fileno()}"] if sock is not None else [f"{settings.host}:{settings.port}"]
    config.accesslog = None
    config.errorlog = logging.getLogger("simlab.server")
    config.keep_alive_timeout = 75
    config.graceful_timeout = GRACEFUL_SECONDS
    return config


async def serve(
    server: Server,
    *,
    asgi: ASGIApp | None = None,
    sock: socket.socket | None = None,
    handle_signals: bool = False,
    task_status: Any = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``server`` until cancelled (or, with ``handle_signals``, until SIGTERM/SIGINT).

    A signal stops accepting connections, lets requests in flight finish (up to
    ``GRACEFUL_SECONDS``), then runs the app's shutdown, which flushes the
    journal.  A durable server has its store loaded here, after binding.
    ``asgi`` serves a wrapper of ``server.asgi`` instead (an in-memory server's,
    e.g. recording every request).  ``task_status.started`` gets the bound URLs.
    """
    settings = server.settings
    stop = trio.Event()
    async with trio.open_nursery() as nursery:
        if handle_signals:
            nursery.start_soon(_stop_on_signals, stop)
        if settings.gc_freeze_interval > 0:
            nursery.start_soon(freeze_survivors, settings.gc_freeze_interval)
        if server.gate is not None:
            nursery.start_soon(_load, server.gate, stop)
        app = asgi if asgi is not None else server.asgi
        await hypercorn_serve(app, hypercorn_config(settings, sock), shutdown_trigger=stop.wait, task_status=task_status)  # type: ignore[arg-type]
        nursery.cancel_scope.cancel()


async def _load(gate: LoadingGate, stop: trio.Event) -> None:
    try:
        await gate.load()
    except DataFileError:
        stop.set()


async def _stop_on_signals(stop: trio.Event) -> None:
    with trio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for signum in signals:
            if stop.is_set():
                logger.warning("already stopping (requests in flight get %.0f s)", GRACEFUL_SECONDS)
                continue
            logger.info("%s: finishing requests in flight, then flushing the journal", signal.Signals(signum).name)
            stop.set()
