"""``/chat``: Dallinger's websocket relay, in process instead of through Redis.

A client subscribes to ``?channel=a,b``; a text frame ``"<channel>:<payload>"``
it sends is published to that channel, and every subscriber of a channel gets
``"<channel>:<payload>"`` frames.  The server publishes quorum messages on
``quorum`` (spec 7.5).  A slow subscriber drops messages rather than slowing
the server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import trio
from quart import Blueprint, websocket

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime

BUFFER = 100


class PubSub:
    """Channels of in-process subscribers."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[trio.MemorySendChannel[str]]] = {}

    def publish(self, channel: str, payload: str) -> int:
        """Send ``payload`` to the channel's subscribers; returns how many got it."""
        delivered = 0
        for send in list(self._subscribers.get(channel, ())):
            try:
                send.send_nowait(f"{channel}:{payload}")
                delivered += 1
            except (trio.WouldBlock, trio.BrokenResourceError, trio.ClosedResourceError):
                pass
        return delivered

    def subscribers(self, channel: str) -> int:
        """How many listen on ``channel`` now (a test waits for this instead of sleeping)."""
        return len(self._subscribers.get(channel, ()))

    @contextmanager
    def subscribe(self, channels: list[str]) -> Iterator[trio.MemoryReceiveChannel[str]]:
        send, receive = trio.open_memory_channel[str](BUFFER)
        for channel in channels:
            self._subscribers.setdefault(channel, set()).add(send)
        try:
            yield receive
        finally:
            for channel in channels:
                subscribers = self._subscribers.get(channel)
                if subscribers is not None:
                    subscribers.discard(send)
                    if not subscribers:
                        del self._subscribers[channel]
            send.close()
            receive.close()


CONTROL_CHANNEL = "dallinger_control"


def _control(rt: Runtime, event_type: str, event: str, client: dict[str, Any], **extra: Any) -> None:
    rt.publish(CONTROL_CHANNEL, json.dumps({"type": event_type, "event": event, **extra, "client": client}))


def register(bp: Blueprint, rt: Runtime) -> None:
    @bp.websocket("/chat")
    async def chat() -> Any:
        channels = [c for c in websocket.args.get("channel", "").split(",") if c]
        client = {
            "class": "dallinger.experiment_server.sockets.Client",
            "worker_id": websocket.args.get("worker_id"),
            "participant_id": websocket.args.get("participant_id"),
        }
        with rt.pubsub.subscribe(channels) as inbox:
            # Dallinger announces subscriptions and connections on its control channel
            for channel in channels:
                _control(rt, "channel", "subscribed", client, channel=channel)
            _control(rt, "websocket", "connected", client)
            try:
                async with trio.open_nursery() as nursery:

                    async def forward() -> None:
                        async for message in inbox:
                            await websocket.send(message)

                    nursery.start_soon(forward)
                    while True:
                        frame = await websocket.receive()
                        if isinstance(frame, bytes):
                            frame = frame.decode("utf-8", "replace")
                        channel, sep, payload = frame.partition(":")
                        if sep and channel:
                            rt.publish(channel, payload)
            finally:
                for channel in channels:
                    _control(rt, "channel", "unsubscribed", client, channel=channel)
                _control(rt, "websocket", "disconnected", client, reason="", message="")
