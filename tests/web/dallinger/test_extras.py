"""Routes beyond Dallinger 12.4's own: /ad_address (documented, removed upstream) and /chat."""

from __future__ import annotations

import httpx
import pytest
import trio

from simlab import Chain, Experiment
from simlab.web import create_app


class QuorumExperiment(Experiment):
    experiment_repeats = 1
    quorum = 2

    def create_network(self):
        return Chain()


@pytest.mark.parametrize(
    ("mode", "address"),
    [
        ("debug", "/complete"),
        ("sandbox", "https://workersandbox.mturk.com/mturk/externalSubmit"),
        ("live", "https://www.mturk.com/mturk/externalSubmit"),
    ],
)
async def test_ad_address_by_mode(mode: str, address: str) -> None:
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        response = await client.get(f"/ad_address/{mode}/HIT1")
    assert response.status_code == 200
    assert response.json() == {"status": "success", "address": address}


async def test_ad_address_unknown_mode_is_a_400_in_the_envelope() -> None:
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        response = await client.get("/ad_address/<i>bogus/HIT1")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error" and body["message"] == "/ad_address GET: unknown mode: <i>bogus"
    assert "<i>bogus" not in body["html"] and "&lt;i&gt;bogus" in body["html"]


async def test_chat_relays_channel_messages_and_quorum_updates() -> None:
    app = create_app(QuorumExperiment)
    client = app.test_client()
    async with client.websocket("/chat?channel=quorum,room") as listener, client.websocket("/chat?channel=room") as talker:
        with trio.fail_after(10):  # both subscriptions registered: an explicit state, not a sleep
            while app.extensions["simlab"].pubsub.subscribers("room") < 2:
                await trio.sleep(0)
        await talker.send("room:hello")
        with trio.fail_after(5):
            assert await listener.receive() == "room:hello"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as http:
            response = await http.post("/participant/W1/H1/A1/debug")
        assert response.json()["quorum"] == {"q": 2, "n": 1, "overrecruited": False}
        with trio.fail_after(5):
            message = await listener.receive()
        assert message == 'quorum:{"q": 2, "n": 1, "overrecruited": false}'
