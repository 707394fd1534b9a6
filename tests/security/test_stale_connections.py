"""Bots send an idempotent request again once when the server had closed the pooled connection (issue 21, case 8).

The loopback server here answers the first request of each connection and
then, like gunicorn closing an idle keep-alive connection at the moment the
client reuses it, closes the connection on the next request without a
response.  That reproduces "Server disconnected without sending a response"
on every reused connection, deterministically.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import h11
import httpx
import pytest
import trio

from simlab.engine import ApiError, DallingerClient, Events, RequestEvent, RetryPolicy
from simlab.engine.reporting.stats import RunStats

BODY = json.dumps({"status": "success", "summary": [], "participant": {"id": 1}}).encode()


class OneRequestPerConnection:
    """An h11 server on trio: answers a connection's first request, drops it on the second."""

    def __init__(self) -> None:
        self.answered: list[str] = []
        self.dropped: list[str] = []

    async def handle(self, stream: trio.SocketStream) -> None:
        conn = h11.Connection(h11.SERVER)
        requests = 0
        async with stream:
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    data = await stream.receive_some(65536)
                    if not data:
                        return
                    conn.receive_data(data)
                    continue
                if isinstance(event, h11.Request):
                    requests += 1
                    target = f"{event.method.decode()} {event.target.decode()}"
                    if requests > 1:
                        self.dropped.append(target)
                        return  # closed without a response
                    self.answered.append(target)
                elif isinstance(event, h11.EndOfMessage):
                    headers = [("content-type", "application/json"), ("content-length", str(len(BODY)))]
                    await stream.send_all(conn.send(h11.Response(status_code=200, headers=headers)))
                    await stream.send_all(conn.send(h11.Data(data=BODY)) + conn.send(h11.EndOfMessage()))
                    conn.start_next_cycle()
                elif isinstance(event, h11.ConnectionClosed):
                    return


@asynccontextmanager
async def flaky_server() -> AsyncIterator[tuple[OneRequestPerConnection, str]]:
    server = OneRequestPerConnection()
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, server.handle, 0, host="127.0.0.1"))
        port = listeners[0].socket.getsockname()[1]
        yield server, f"http://127.0.0.1:{port}"
        nursery.cancel_scope.cancel()


def bot_client(url: str, http: httpx.AsyncClient) -> tuple[DallingerClient, list[RequestEvent], RunStats]:
    events = Events()
    seen: list[RequestEvent] = []
    events.request.add_listener(seen.append)
    stats = RunStats().attach(events)
    return DallingerClient(http, events, retry=RetryPolicy(attempts=1), jitter=random.Random(1)), seen, stats


async def test_a_get_on_a_stale_connection_is_sent_once_more_and_counted_apart() -> None:
    async with flaky_server() as (server, url), httpx.AsyncClient(base_url=url, timeout=10) as http:
        client, seen, stats = bot_client(url, http)
        for _ in range(3):
            assert (await client.summary())["summary"] == []
    # each reused connection failed once, then the request went out on a new one
    assert server.answered == ["GET /summary"] * 3 and server.dropped == ["GET /summary"] * 2
    assert [e.stale for e in seen] == [False, True, False, True, False]
    assert "Server disconnected without sending a response" in (seen[1].error or "")
    summary = stats.summary()
    assert summary["total"]["count"] == 3 and summary["total"]["errors"] == 0
    assert summary["total"]["stale_retries"] == 2


async def test_a_post_on_a_stale_connection_is_never_sent_twice() -> None:
    async with flaky_server() as (server, url), httpx.AsyncClient(base_url=url, timeout=10) as http:
        client, seen, stats = bot_client(url, http)
        client.retry = RetryPolicy(attempts=3, base=0.0)  # even with retries to spare
        await client.summary()
        with pytest.raises(ApiError) as failed:
            await client.create_participant("w", "h", "a")
    assert failed.value.status is None
    assert server.dropped == ["POST /participant/w/h/a/debug"]
    assert [e.stale for e in seen] == [False, False]
    assert stats.summary()["total"]["errors"] == 1


async def test_a_get_that_fails_on_a_new_connection_is_not_a_stale_retry() -> None:
    async def refuse(stream: trio.SocketStream) -> None:
        await stream.receive_some(65536)
        await stream.aclose()

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, refuse, 0, host="127.0.0.1"))
        url = f"http://127.0.0.1:{listeners[0].socket.getsockname()[1]}"
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            client, seen, _stats = bot_client(url, http)
            with pytest.raises(ApiError):
                await client.summary()
        nursery.cancel_scope.cancel()
    assert [e.stale for e in seen] == [False]
