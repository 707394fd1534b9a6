"""A tiny scripted ASGI app for engine tests that need HTTP but not simlab's server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Reply = tuple[int, Any]


class FakeApp:
    """Answers each ``(method, path)`` from a script; records every request it saw.

    ``routes`` maps ``"GET /x"`` to a reply ``(status, body)`` or to a callable of the
    request count for that route returning one (so a test can fail twice, then succeed).
    """

    def __init__(self, routes: dict[str, Reply | Callable[[int], Reply]]) -> None:
        self.routes = routes
        self.seen: list[tuple[str, str, bytes]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        key = f"{scope['method']} {scope['path']}"
        n = sum(1 for m, p, _ in self.seen if f"{m} {p}" == key)
        self.seen.append((scope["method"], scope["path"], body))
        reply = self.routes.get(key, (404, {"status": "error"}))
        status, payload = reply(n) if callable(reply) else reply
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": data})
