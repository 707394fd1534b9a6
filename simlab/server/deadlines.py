"""A deadline on the whole request body, so a body that never arrives cannot hold a connection.

hypercorn bounds the header phase (``keep_alive_timeout``: a connection is idle
until a request's headers are complete) and silence on a connection
(``read_timeout``), but a client that sends complete headers with
``Content-Length: 1000`` and then trickles a byte now and then keeps the
request open for ever.  This middleware gives the body ``seconds`` in total,
counted from the headers: past it the app is cancelled and, if it had not
answered, the client gets 408 with ``Connection: close`` (hypercorn then closes
the connection, as the body was not read to its end).

It also makes ``Connection: close`` hold for Quart's routes: hypercorn closes
the socket from inside the app's last ``send``, and Quart, woken by the
``http.disconnect`` that the same ``send`` queues, cancels the request's tasks
at that moment, so the close was cancelled half-way and the connection stayed
open until the client gave up.  The last ``send`` is shielded here.
"""

from __future__ import annotations

from typing import Any

import trio

BODY_408 = b"the request body did not arrive in time\n"


class BodyDeadline:
    """ASGI middleware: an HTTP request's body must be complete ``seconds`` after its headers."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = trio.current_time() + self.seconds
        body_done = expired = answered = False
        app_scope = trio.CancelScope()

        async def timed_receive() -> dict[str, Any]:
            nonlocal body_done, expired
            if body_done:
                return await receive()
            with trio.move_on_at(deadline):
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    body_done = True
                return message
            expired = True
            app_scope.cancel()
            return {"type": "http.disconnect"}

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                with trio.CancelScope(shield=True):  # hypercorn may close the connection in here
                    await send(message)
                return
            await send(message)

        with app_scope:
            await self.app(scope, timed_receive, tracked_send)
        if expired and not answered:
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"), (b"content-length", str(len(BODY_408)).encode())]
            await send({"type": "http.response.start", "status": 408, "headers": headers})
            await send({"type": "http.response.body", "body": BODY_408, "more_body": False})
