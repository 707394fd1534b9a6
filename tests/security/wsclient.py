"""A small websocket client on trio streams and wsproto, for tests that control when it reads."""

from __future__ import annotations

from typing import Any

import trio
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, CloseConnection, Ping, Request, TextMessage


class WsClient:
    """One websocket over ``stream``; ``receive`` returns a text message or the close event."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream
        self.ws = WSConnection(ConnectionType.CLIENT)
        self._events: list[Any] = []
        self._text: list[str] = []

    @classmethod
    async def connect(cls, stream: trio.abc.Stream, host: str, target: str) -> WsClient:
        client = cls(stream)
        await stream.send_all(client.ws.send(Request(host=host, target=target)))
        while True:
            event = await client._next_event()
            if isinstance(event, AcceptConnection):
                return client
            raise AssertionError(f"websocket refused: {event!r}")

    async def _next_event(self) -> Any:
        while not self._events:
            data = await self.stream.receive_some(65536)
            self.ws.receive_data(data or None)
            self._events.extend(self.ws.events())
            if not data and not self._events:
                raise EOFError("connection closed without a close frame")
        return self._events.pop(0)

    async def send(self, text: str) -> None:
        await self.stream.send_all(self.ws.send(TextMessage(data=text)))

    async def receive(self) -> str | CloseConnection:
        """The next whole text message, or the server's close event."""
        parts: list[str] = []
        while True:
            event = await self._next_event()
            if isinstance(event, TextMessage):
                parts.append(event.data)
                if event.message_finished:
                    return "".join(parts)
            elif isinstance(event, BytesMessage):
                continue
            elif isinstance(event, Ping):
                await self.stream.send_all(self.ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                return event
