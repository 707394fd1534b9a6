"""Where bots send requests, and how they share (or do not share) httpx clients.

A :class:`Target` is either an ASGI app called in-process (``httpx.ASGITransport``:
no sockets, the default for scenarios) or a base URL (``simlab serve``, or a real
Dallinger/oTree server).

Client sharing is a measured choice (``benchmarks/engine_capacity.py --clients``):
over sockets, one ``httpx.AsyncClient`` shared by many trio tasks serialises on its
connection pool (the issue measured ~370 req/s at 64 tasks against ~1,800 with a
client per bot), so URL targets default to a client per bot, each with its own
keep-alive connection.  The ASGI transport has no pool, so in-process targets
share one client, which also saves building thousands of clients.  Either mode can
be forced with ``shared=``.  Per-bot clients reuse one ``ssl.SSLContext``: httpx
builds a new one per transport otherwise, which costs milliseconds each.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import trio
import trio.testing

#: The host name in-process requests carry (any name works; this one is obvious in logs).
IN_PROCESS_URL = "http://simlab.in-process"
#: Real seconds a virtual clock waits, while a request is in flight, before it jumps anyway.
IN_FLIGHT_AUTOJUMP = 0.05


class SteadyASGITransport(httpx.ASGITransport):
    """httpx's ASGI transport that holds a virtual clock still while a request is in flight.

    The app may hop to a worker thread mid-request (Quart runs a template's sync
    context processors in one).  To trio's autojump ``MockClock`` a task waiting on
    a thread looks idle, so the clock would jump to the next bot's deadline
    mid-request and the interleaving of bots, hence the final graph, would depend
    on thread timing.  While requests are in flight the clock instead waits
    :data:`IN_FLIGHT_AUTOJUMP` real seconds of idleness before jumping (so a
    request that waits on another bot still lets time move).
    """

    #: Per clock (by id): requests in flight across every transport, and the threshold to restore.
    _holds: dict[int, tuple[int, float]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        clock = trio.lowlevel.current_clock()
        if not isinstance(clock, trio.testing.MockClock):
            return await super().handle_async_request(request)
        key = id(clock)
        count, saved = self._holds.get(key, (0, clock.autojump_threshold))
        if count == 0:
            clock.autojump_threshold = max(saved, IN_FLIGHT_AUTOJUMP)
        self._holds[key] = (count + 1, saved)
        try:
            return await super().handle_async_request(request)
        finally:
            count, saved = self._holds[key]
            if count == 1:
                del self._holds[key]
                clock.autojump_threshold = saved
            else:
                self._holds[key] = (count - 1, saved)


@dataclass(frozen=True)
class Target:
    """The server under test: an ASGI ``app`` in-process, or a ``url``.

    Example::

        Target.in_process(create_app(MyExperiment))
        Target.remote("http://127.0.0.1:5000")
    """

    url: str
    app: Any = None

    @classmethod
    def in_process(cls, app: Any) -> Target:
        """Call ``app`` through httpx's ASGI transport."""
        return cls(IN_PROCESS_URL, app)

    @classmethod
    def remote(cls, url: str) -> Target:
        """Send requests over HTTP to ``url``."""
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {url!r}")
        return cls(url.rstrip("/"))

    @property
    def is_in_process(self) -> bool:
        """True when requests go to an ASGI app without sockets."""
        return self.app is not None


class ClientSource:
    """Hands each bot an ``httpx.AsyncClient``: its own or a shared one.

    Args:
        target: where requests go.
        shared: one client for all bots; defaults to True in-process, False for URLs.
        timeout: per-request timeout in seconds.
    """

    def __init__(self, target: Target, *, shared: bool | None = None, timeout: float = 30.0) -> None:
        self.target = target
        self.shared = target.is_in_process if shared is None else shared
        self.timeout = httpx.Timeout(timeout)
        self._asgi = SteadyASGITransport(app=target.app) if target.is_in_process else None
        self._ssl: ssl.SSLContext | None = None
        self._shared_client: httpx.AsyncClient | None = None

    def _new_client(self) -> httpx.AsyncClient:
        if self._asgi is not None:
            return httpx.AsyncClient(transport=self._asgi, base_url=self.target.url, timeout=self.timeout)
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        limits = httpx.Limits(max_connections=None if self.shared else 4, max_keepalive_connections=None if self.shared else 4)
        transport = httpx.AsyncHTTPTransport(verify=self._ssl, limits=limits)
        return httpx.AsyncClient(transport=transport, base_url=self.target.url, timeout=self.timeout)

    @asynccontextmanager
    async def open(self) -> AsyncIterator[ClientSource]:
        """Open the shared client (if any) for the duration of a run."""
        if self.shared:
            async with self._new_client() as client:
                self._shared_client = client
                try:
                    yield self
                finally:
                    self._shared_client = None
        else:
            yield self

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        """Yield the client one bot uses for its whole life."""
        if self.shared:
            if self._shared_client is None:
                raise RuntimeError("ClientSource.client() with shared=True needs `async with source.open()` first")
            yield self._shared_client
        else:
            async with self._new_client() as client:
                yield client
