"""API clients over a scripted ASGI app: events, contracts, retries, error messages."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from simlab.engine import ApiError, DallingerClient, Events, NoNetworkAvailable, OTreeClient, RequestEvent, RetryPolicy

from .fakes import FakeApp

ERROR_PAGE = {
    "status": "error",
    "html": '<form id="error-response"><input type="hidden" name="error_type" value="/node POST no participant found &amp; more"></form>',
}


def client_for(app: FakeApp, cls: Any = DallingerClient, **kw: Any) -> tuple[Any, list[RequestEvent]]:
    events = Events()
    seen: list[RequestEvent] = []
    events.request.add_listener(seen.append)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    return cls(http, events, bot=9, jitter=random.Random(1), **kw), seen


async def test_success_fires_one_event_with_the_route_template() -> None:
    app = FakeApp({"POST /info/12": (200, {"status": "success", "info": {"id": 3, "contents": "hi"}})})
    client, seen = client_for(app)
    info = await client.create_info(12, "hi", property1="x")
    assert info == {"id": 3, "contents": "hi"}
    assert [(e.name, e.status, e.error, e.bot) for e in seen] == [("POST /info/<id>", 200, None, 9)]
    assert app.seen[0][2] == b"contents=hi&property1=x"  # Dallinger reads form fields, never JSON


async def test_no_network_is_expected_not_an_error() -> None:
    client, seen = client_for(FakeApp({"POST /node/4": (403, {"status": "error"})}))
    with pytest.raises(NoNetworkAvailable):
        await client.create_node(4)
    assert [(e.status, e.error) for e in seen] == [(403, None)]


async def test_error_page_message_is_read_and_counted() -> None:
    client, seen = client_for(FakeApp({"POST /node/4": (403, ERROR_PAGE)}))
    with pytest.raises(ApiError) as info:
        await client.create_node(4)
    assert not isinstance(info.value, NoNetworkAvailable)
    assert info.value.status == 403
    assert info.value.message == "/node POST no participant found & more"
    assert seen[0].error is not None and "no participant found" in seen[0].error


async def test_retries_are_bounded_and_fire_an_event_each(autojump_clock: Any) -> None:
    def flaky(n: int) -> tuple[int, Any]:
        return (503, {"status": "busy"}) if n < 2 else (200, {"status": "success", "summary": []})

    client, seen = client_for(FakeApp({"GET /summary": flaky}))
    client.retry = RetryPolicy(attempts=3, base=0.5)
    assert (await client.summary())["summary"] == []
    assert [e.status for e in seen] == [503, 503, 200]
    assert [e.error is None for e in seen] == [False, False, True]

    client2, seen2 = client_for(FakeApp({"GET /summary": (503, {"status": "busy"})}))
    client2.retry = RetryPolicy(attempts=2)
    with pytest.raises(ApiError):
        await client2.summary()
    assert len(seen2) == 2


async def test_client_errors_are_not_retried() -> None:
    client, seen = client_for(FakeApp({"GET /network/9": (403, ERROR_PAGE)}))
    with pytest.raises(ApiError):
        await client.get_network(9)
    assert len(seen) == 1


async def test_transport_errors_raise_api_error_after_retries(autojump_clock: Any) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    events = Events()
    seen: list[RequestEvent] = []
    events.request.add_listener(seen.append)
    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://test")
    client = DallingerClient(http, events, retry=RetryPolicy(attempts=3))
    with pytest.raises(ApiError) as info:
        await client.summary()
    assert info.value.status is None
    assert [e.status for e in seen] == [None, None, None]


async def test_otree_client_sends_json_and_the_rest_key() -> None:
    app = FakeApp({"POST /api/sessions": (200, {"code": "abcd1234"}), "POST /api/participant_vars": (200, {})})
    client, seen = client_for(app, OTreeClient, rest_key="k")
    assert (await client.create_session("trust", 4, room_name="lab"))["code"] == "abcd1234"
    await client.participant_vars("lab", "P1", {"age": 31})
    assert app.seen[0][2] == b'{"session_config_name":"trust","num_participants":4,"room_name":"lab"}'
    assert [e.name for e in seen] == ["POST /api/sessions", "POST /api/participant_vars"]
