"""Serve an app with hypercorn's trio worker (the server behind ``simlab serve``)."""

from __future__ import annotations

import logging
import signal
import socket
from typing import TYPE_CHECKING, Any

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.middleware import ProxyFixMiddleware
from hypercorn.trio import serve as hypercorn_serve

from ..asgi import ASGIApp
from ..config import Settings
from .gc_freeze import freeze_survivors
from ..store.sqlite import DataFileError
from .deadlines import BodyDeadline
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


#: Bytes of an incomplete request line and headers hypercorn buffers (hypercorn's default, explicit).
MAX_HEADER_BYTES = 16 * 1024
#: Messages (body chunks, websocket messages) queued between hypercorn and the app per stream.
APP_QUEUE = 10
#: Concurrent HTTP/2 streams per connection (hypercorn's default is 100).
H2_STREAMS = 16


def hypercorn_config(settings: Settings, sock: socket.socket | None = None, *, websocket_max_bytes: int | None = None) -> HypercornConfig:
    """hypercorn's config: every phase of a request has a timeout, every buffer a bound.

    See the README's "Security" section: ``keep_alive_timeout`` bounds the header
    phase and idle keep-alive, ``BodyDeadline`` the body, ``read_timeout`` a
    connection that sends nothing while a response is made or written (live
    websockets answer pings sent at a third of it).
    """
    config = HypercornConfig()
    config.bind = [f"fd://{sock.fileno()}"] if sock is not None else [f"{settings.host}:{settings.port}"]
    config.accesslog = None
    config.errorlog = logging.getLogger("simlab.server")
    config.keep_alive_timeout = settings.keep_alive_timeout
    config.read_timeout = settings.read_timeout  # type: ignore[assignment]  # hypercorn types it int; seconds
    config.websocket_ping_interval = settings.read_timeout / 3
    config.h11_max_incomplete_size = MAX_HEADER_BYTES
    config.max_app_queue_size = APP_QUEUE
    config.h2_max_concurrent_streams = H2_STREAMS
    config.websocket_max_message_size = websocket_max_bytes or settings.websocket_max_message_bytes
    config.graceful_timeout = GRACEFUL_SECONDS
    return config


def websocket_limit(experiment: Any, settings: Settings) -> int:
    """The largest websocket message: the experiment's ``websocket_max_message_bytes`` if it sets one."""
    value = experiment.config.get("websocket_max_message_bytes") if experiment is not None else None
    return int(value) if value else settings.websocket_max_message_bytes


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
        app: Any = asgi if asgi is not None else server.asgi
        config = hypercorn_config(settings, sock, websocket_max_bytes=websocket_limit(server.experiment, settings))
        app = BodyDeadline(app, settings.body_timeout)
        if settings.behind_proxy:  # the client address is the one the proxy forwards
            app = ProxyFixMiddleware(WebsocketScheme(app), mode="legacy", trusted_hops=1)  # type: ignore[arg-type]
        await hypercorn_serve(app, config, shutdown_trigger=stop.wait, task_status=task_status)
        nursery.cancel_scope.cancel()


class WebsocketScheme:
    """Give a websocket scope a websocket scheme again.

    hypercorn's ``ProxyFixMiddleware`` copies ``X-Forwarded-Proto: https`` into
    the scope of a websocket too, where ASGI expects ``wss`` (Quart then answers
    500): this maps ``http``/``https`` back to ``ws``/``wss``.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "websocket" and scope.get("scheme") in ("http", "https"):
            scope = {**scope, "scheme": "wss" if scope["scheme"] == "https" else "ws"}
        await self.app(scope, receive, send)


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
