"""The black-box HTTP layer every API client builds on.

:class:`ApiClient` wraps an ``httpx.AsyncClient``, times each request, decides from
the call's contract whether it was an error, retries within a
:class:`~simlab.engine.clients.retry.RetryPolicy`, and fires one
:class:`~simlab.engine.events.RequestEvent` per try.  It knows nothing of simlab's
server: the same client talks to the in-process app, ``simlab serve`` or a real
Dallinger/oTree server.

A pooled keep-alive connection may have been closed by the server while idle
(gunicorn closes them after 2 s); the request sent on it then fails with no
response ("Server disconnected without sending a response", "Connection reset
by peer").  As browsers and urllib3 do, an idempotent request (GET, HEAD,
OPTIONS, PUT, DELETE) that fails so on a *reused* connection is sent once more
at once, on a new connection, and that try is counted apart
(``RequestEvent.stale``, "retried on a stale connection" in the report).  A
POST is never sent twice unless it surely never left (the connection could
not be made): the server may have acted on it.

Latency is measured with ``time.perf_counter`` (real seconds), while ``started`` and
every wait use trio's clock.  Under a virtual clock (tests, deterministic in-process
runs) trio time does not move while a request is processed, so trio time would
report zero latency; the real processing cost is the useful number.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import trio

from ..events import Events, RequestEvent
from .retry import RetryPolicy
from ...errors import BotError

#: Decides whether a response met the call's contract: ``None`` when it did, else an error text.
Check = Callable[[httpx.Response], "str | None"]

#: Methods a server must treat as safe to receive twice (RFC 9110 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
#: Failures of a request on a connection the server had already closed.
STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
#: Failures before the request could have been sent: safe to retry for every method.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class ConnectionTrace:
    """httpcore's ``trace`` extension: did this request open a new connection?"""

    __slots__ = ("opened",)

    def __init__(self) -> None:
        self.opened = False

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event.startswith("connection.connect_tcp") or event.startswith("connection.connect_unix_socket"):
            self.opened = True


class ApiError(BotError):
    """Raised when a request failed after its retries: no response, or one outside its contract.

    Attributes:
        name: the route name (``"POST /node/<id>"``).
        status: the HTTP status, or ``None`` when no response arrived.
        message: the API's own error message when one could be read.
        response: the last response, or ``None``.
    """

    def __init__(self, name: str, status: int | None, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(f"{name} -> {status if status is not None else 'no response'}: {message}")
        self.name = name
        self.status = status
        self.message = message
        self.response = response


def expect_2xx(response: httpx.Response) -> str | None:
    """The default contract: any 2xx is fine, anything else is an error."""
    if response.is_success:
        return None
    return f"HTTP {response.status_code}"


class ApiClient:
    """Times, checks, retries and reports requests for one bot.

    Args:
        http: the httpx client (per bot or shared; see :mod:`simlab.engine.clients.connect`).
        events: the run's hooks; ``events.request`` fires once per try.
        bot: the bot id stamped on events.
        retry: the retry policy.
        jitter: the generator for backoff delays (kept apart from the bot's decisions).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        events: Events,
        *,
        bot: int | None = None,
        retry: RetryPolicy | None = None,
        jitter: random.Random | None = None,
    ) -> None:
        self.http = http
        self.events = events
        self.bot = bot
        self.retry = retry or RetryPolicy()
        self.jitter = jitter or random.Random(0)

    def error_message(self, response: httpx.Response) -> str:
        """Return the API's error message from ``response``; subclasses read their envelope."""
        return response.text[:300]

    async def request(
        self,
        method: str,
        path: str,
        *,
        name: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        check: Check = expect_2xx,
    ) -> httpx.Response:
        """Send a request; return the response that met ``check`` or raise :class:`ApiError`.

        ``name`` is the route template used for stats.  Tries that fail with a status in
        the policy's ``statuses`` (or with no response) are retried after a jittered
        backoff; each try fires its own event.
        """
        policy = self.retry
        stale_retried = False
        attempt = 0
        while True:
            last = attempt >= policy.attempts - 1
            started = trio.current_time()
            t0 = time.perf_counter()
            trace = ConnectionTrace()
            try:
                response = await self.http.request(
                    method, path, params=params, data=data, json=json, headers=headers, extensions={"trace": trace}
                )
            except httpx.TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
                stale = isinstance(exc, STALE_CONNECTION) and not trace.opened and method.upper() in IDEMPOTENT
                if stale and not stale_retried:
                    stale_retried = True
                    self._fire(name, method, None, time.perf_counter() - t0, error, started, stale=True)
                    continue  # at once, on a new connection; not one of the policy's attempts
                self._fire(name, method, None, time.perf_counter() - t0, error, started)
                safe = method.upper() in IDEMPOTENT or isinstance(exc, NOT_SENT)
                if last or not policy.on_transport_error or not safe:
                    raise ApiError(name, None, error) from exc
                await trio.sleep(policy.backoff(attempt, self.jitter))
                attempt += 1
                continue
            latency = time.perf_counter() - t0
            problem = check(response)
            if problem is not None:
                problem = f"{problem}: {self.error_message(response)}"
            self._fire(name, method, response.status_code, latency, problem, started)
            if problem is None:
                return response
            if last or response.status_code not in policy.statuses:
                raise ApiError(name, response.status_code, self.error_message(response), response)
            await trio.sleep(policy.backoff(attempt, self.jitter))
            attempt += 1

    def _fire(
        self, name: str, method: str, status: int | None, latency: float, error: str | None, started: float, *, stale: bool = False
    ) -> None:
        self.events.request.fire(RequestEvent(name, method, status, latency, error, started, self.bot, stale))
