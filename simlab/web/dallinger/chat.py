"""``/chat``: Dallinger's websocket relay, in process instead of through Redis.

A client subscribes to ``?channel=a,b``; a text frame ``"<channel>:<payload>"``
it sends is published to that channel, and every subscriber of a channel gets
``"<channel>:<payload>"`` frames.  The server publishes quorum messages on
``quorum`` (spec 7.5).

Memory is bounded in bytes, not messages: each subscriber may have at most
``Settings.chat_subscriber_bytes`` published to it and not yet sent (the
message being written counts until the write completes).  A subscriber past
that (one that stopped reading) is dropped at once: its queue is freed, it
hears nothing more, and its websocket is closed with 1008 (policy violation)
and a reason saying why, which is what Redis does to a pub/sub client past its
output-buffer limit (Dallinger's Redis: 32 MB) minus the silence.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import trio
from quart import Blueprint, websocket

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime

#: Bytes a subscriber may have queued and unsent by default (``Settings.chat_subscriber_bytes``).
DEFAULT_LIMIT = 4 << 20
#: The websocket close code of a dropped subscriber (RFC 6455: policy violation).
TOO_SLOW = 1008


class Subscriber:
    """One websocket's inbox: messages in order, their bytes counted until sent."""

    __slots__ = ("limit", "queued_bytes", "dropped", "_queue", "_wakeup")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.queued_bytes = 0
        #: why the subscriber was dropped (the close reason), or None
        self.dropped: str | None = None
        self._queue: deque[tuple[str, int]] = deque()
        self._wakeup = trio.Event()

    def offer(self, message: str, size: int) -> bool:
        """Queue ``message`` (``size`` bytes); past the limit, drop the subscriber instead."""
        if self.dropped is not None:
            return False
        if self.queued_bytes + size > self.limit:
            self.dropped = f"too slow: more than {self.limit} bytes of messages unsent"
            self._queue.clear()
            self.queued_bytes = 0
        else:
            self._queue.append((message, size))
            self.queued_bytes += size
        self._wakeup.set()
        return self.dropped is None

    async def next(self) -> str | None:
        """The oldest unsent message (it stays counted until ``sent``), or None once dropped."""
        while not self._queue and self.dropped is None:
            await self._wakeup.wait()
            self._wakeup = trio.Event()
        return None if self.dropped is not None else self._queue[0][0]

    def sent(self) -> None:
        """The message ``next`` returned has been written."""
        if self._queue:
            _message, size = self._queue.popleft()
            self.queued_bytes -= size


class PubSub:
    """Channels of in-process subscribers, each bounded to ``limit`` unsent bytes."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._subscribers: dict[str, set[Subscriber]] = {}
        self.dropped = 0

    def publish(self, channel: str, payload: str) -> int:
        """Send ``payload`` to the channel's subscribers; returns how many got it."""
        subscribers = self._subscribers.get(channel)
        if not subscribers:
            return 0
        message = f"{channel}:{payload}"
        size = len(message) if message.isascii() else len(message.encode("utf-8"))
        delivered = 0
        for subscriber in list(subscribers):
            if subscriber.offer(message, size):
                delivered += 1
            elif subscriber.dropped is not None:
                self.dropped += 1
                self._remove(subscriber)
        return delivered

    def subscribers(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    def _remove(self, subscriber: Subscriber) -> None:
        for channel in [c for c, subs in self._subscribers.items() if subscriber in subs]:
            self._discard(channel, subscriber)

    def _discard(self, channel: str, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(channel)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[channel]

    @contextmanager
    def subscribe(self, channels: list[str]) -> Iterator[Subscriber]:
        subscriber = Subscriber(self.limit)
        for channel in channels:
            self._subscribers.setdefault(channel, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            for channel in channels:
                self._discard(channel, subscriber)


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
                        while (message := await inbox.next()) is not None:
                            await websocket.send(message)
                            inbox.sent()
                        await websocket.close(TOO_SLOW, inbox.dropped or "")
                        nursery.cancel_scope.cancel()

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
