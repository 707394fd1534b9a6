"""What both fast paths (Dallinger's and oTree's) share, in one place.

Each fast path answers only the plain success case of its hot routes straight
from ASGI and hands everything else to the Quart views.  The pieces here are the
ones that must behave the same in both: reading (and replaying) the body, the
transaction whose failure defers to Quart, and the answer that waits until every
write the response made or could show is durable (the same rule as the app's
``wait_for_durability``), refused in the same envelope when it is not.
"""

from __future__ import annotations

from typing import Any

from ..asgi import Message, Receive, Send
from ..errors import WebError
from .refusals import durability_message, refusal_body, refusal_headers


class Defer(WebError):
    """Not the plain success case: let Quart answer."""


class Atomic:
    """A store transaction whose failure defers to Quart (after the rollback)."""

    __slots__ = ("_tx",)

    def __init__(self, store: Any) -> None:
        self._tx = store.transaction()

    def __enter__(self) -> None:
        self._tx.__enter__()

    def __exit__(self, et: Any, e: Any, tb: Any) -> bool:
        try:
            self._tx.__exit__(et, e, tb)  # rolls back; raises only a refusal at commit (admission)
        except Exception as refused:
            raise Defer from refused
        if et is not None and issubclass(et, Exception):
            raise Defer from e
        return False


async def read_body(receive: Receive, limit: int) -> tuple[Any, Receive]:
    """The whole body and a ``receive`` that replays it; (None, replay) past ``limit``."""
    chunks: list[bytes] = []
    size = 0
    more = True
    messages: list[Message] = []
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
        if size > limit:
            break
    replay = iter(messages)

    async def replayed() -> Message:
        for message in replay:
            return message
        return await receive()

    if size > limit or (messages and messages[-1]["type"] != "http.request"):
        return None, replayed
    return b"".join(chunks), replayed


async def respond(send: Send, status: int, body: bytes, headers: list[Any]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": headers + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def respond_durably(journal: Any, send: Send, status: int, body: bytes, headers: list[Any]) -> None:
    """Answer once the request's own writes and every write it could show are durable.

    A write that could not be made durable was reverted; the client is told so
    (503, Retry-After, the cause named), never that it succeeded.
    """
    if journal is not None:
        own, seen = journal.request_needs_wait(), journal.visible_seq()
        if own or seen:
            try:
                await journal.wait_durable(own, seen)
            except Exception as exc:  # not durable (and reverted): never acknowledge it (or redo it)
                await respond(send, 503, refusal_body(durability_message(str(exc))), refusal_headers(503))
                return
    await respond(send, status, body, headers)
