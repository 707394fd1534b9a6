"""A lean HTTP/1.1 keep-alive client: one h11 connection on a trio stream.

The load path needs a client cheaper than the server it measures: httpx costs
several times the server's own work per request.  One connection per bot,
reopened when the server closes it, is what this does and no more (no
redirects, no cookies, no TLS).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import h11
import trio


class H11Connection:
    """A keep-alive connection to ``base_url`` (``http://host:port``)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"only http://host:port URLs are supported, got {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.host_header = parts.netloc.encode()
        self.timeout = timeout
        self._stream: trio.SocketStream | None = None
        self._conn = h11.Connection(h11.CLIENT)

    async def _connect(self) -> trio.SocketStream:
        self._stream = await trio.open_tcp_stream(self.host, self.port)
        self._conn = h11.Connection(h11.CLIENT)
        return self._stream

    async def request(
        self, method: str, target: str, body: bytes = b"", content_type: bytes = b"application/x-www-form-urlencoded"
    ) -> tuple[int, bytes]:
        """Send one request and return ``(status, body)``; reconnects once if the connection dropped."""
        for attempt in (0, 1):
            stream = self._stream or await self._connect()
            try:
                with trio.fail_after(self.timeout):
                    return await self._exchange(stream, method, target, body, content_type)
            except (trio.BrokenResourceError, trio.ClosedResourceError, h11.RemoteProtocolError, ConnectionError):
                await self.aclose()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, stream: trio.SocketStream, method: str, target: str, body: bytes, content_type: bytes
    ) -> tuple[int, bytes]:
        conn = self._conn
        headers = [(b"host", self.host_header), (b"content-length", str(len(body)).encode())]
        if body:
            headers.append((b"content-type", content_type))
        data = conn.send(h11.Request(method=method, target=target, headers=headers))
        if body:
            data += conn.send(h11.Data(data=body))
        data += conn.send(h11.EndOfMessage())
        await stream.send_all(data)
        status = 0
        chunks: list[bytes] = []
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                received = await stream.receive_some(65536)
                if not received:
                    raise trio.BrokenResourceError("server closed the connection")
                conn.receive_data(received)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise trio.BrokenResourceError("server closed the connection")
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
        else:
            await self.aclose()
        return status, b"".join(chunks)

    async def aclose(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.aclose()
