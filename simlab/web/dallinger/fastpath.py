"""A fast path for the hottest requests, in front of Quart.

Profiling ``POST /node/<id>/transmit`` under load showed simlab's own work at
about 6% of the server's CPU and Quart's request machinery (request and app
contexts, routing, signals, a nursery of two tasks per request) at about a third.
For the few routes a running study or the transmit benchmark calls all the
time, this module answers the *plain success case* straight from the ASGI
scope, with the same domain calls and the same JSON as the Quart handlers.

Anything else is handed to Quart unchanged (the body, already read, is replayed):
an unknown node or info, a parameter the fast path does not read, a query string
it does not expect, a domain or hook error (its transaction is rolled back
first, so Quart re-runs the request on the same state and answers Dallinger's
exact error), or a route the experiment protects.  So error behaviour lives in
one place, the Quart handlers; the fast path only ever answers success.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from ...domain import Info
from ...domain import operations as ops
from ...store import MAX_ID
from .cors import CORS_HEADERS
from .params import MAX_DIGITS
from .wire import dumps
from ..health import BODY as HEALTH_BODY
from ...asgi import ASGIApp, Message, Receive, Scope, Send
from ...errors import WebError
from ..refusals import durability_message, refusal_body, refusal_headers

if TYPE_CHECKING:
    from ..runtime import Runtime


JSON_HEADERS = [(b"content-type", b"application/json")]
CORS = [(k.lower().encode(), v.encode()) for k, v in CORS_HEADERS.items()]
FORM = b"application/x-www-form-urlencoded"
NO_PROPS = ops.Properties()

_NODE_ROUTE = re.compile(r"/node/([0-9]{1,19})/(transmit|transmissions|received_infos)")
_INFO_ROUTE = re.compile(r"/info/([0-9]{1,19})")

#: The Dallinger URL rules served here (a rule listed in ``protected_routes`` is not).
RULES = {
    "transmit": "/node/<int:node_id>/transmit",
    "transmissions": "/node/<int:node_id>/transmissions",
    "received_infos": "/node/<int:node_id>/received_infos",
    "info": "/info/<int:node_id>",
}


class Defer(WebError):
    """Not the plain success case: let Quart answer."""


class FastPath:
    """Answers the plain success case of a few hot routes; defers everything else."""

    def __init__(self, rt: Runtime, journal: Any = None) -> None:
        self.rt = rt
        self.exp = rt.exp
        self.store = rt.store
        self.journal = journal
        protected = set(rt.exp.config.get("protected_routes") or [])
        self.enabled = {name for name, rule in RULES.items() if rule not in protected}

    async def __call__(self, scope: Scope, receive: Receive, send: Send, fallback: ASGIApp) -> None:
        """Serve ``scope`` if it is a plain success case, else call ``fallback(scope, receive, send)``."""
        method, path = scope["method"], scope["path"]
        if method == "GET" and path == "/health":
            await _respond(send, 200, HEALTH_BODY, JSON_HEADERS)
            return
        body = b""
        if method == "POST":
            body, receive = await _read_body(receive, self.rt.settings.max_body_bytes)
            if body is None:
                await fallback(scope, receive, send)
                return
        try:
            status, payload, headers = self._dispatch(method, path, scope, body)
        except Defer:
            await fallback(scope, receive, send)
            return
        if self.journal is not None:
            own, seen = self.journal.request_needs_wait(), self.journal.visible_seq()
            if own or seen:
                try:
                    await self.journal.wait_durable(own, seen)
                except Exception as exc:  # not durable (and reverted): never acknowledge it (or redo it)
                    await _respond(send, 503, refusal_body(durability_message(str(exc))), refusal_headers(503))
                    return
        await _respond(send, status, payload, headers)

    def _dispatch(self, method: str, path: str, scope: Scope, body: bytes) -> tuple[int, bytes, list[Any]]:
        match = _NODE_ROUTE.fullmatch(path)
        if match is not None:
            node = self._node(match.group(1))
            route = match.group(2)
            if route not in self.enabled:
                raise Defer
            if route == "transmit" and method == "POST":
                return self._transmit(node, scope, body)
            if method == "GET" and not body:
                if route == "transmissions":
                    return self._transmissions(node, scope)
                if route == "received_infos" and not scope.get("query_string"):
                    with self._atomic():
                        infos = ops.received_infos(self.exp, node, Info)
                    return _success("infos", [i.__json__() for i in infos])
            raise Defer
        match = _INFO_ROUTE.fullmatch(path)
        if match is not None and method == "POST" and "info" in self.enabled:
            return self._create_info(self._node(match.group(1)), scope, body)
        raise Defer

    # ----------------------------------------------------------------- routes

    def _transmit(self, node: Any, scope: Scope, body: bytes) -> tuple[int, bytes, list[Any]]:
        fields = _form(scope, body, allowed={"what", "to_whom"})
        what = self._row("info", fields.get("what")) if "what" in fields else None
        to_whom = self._row("node", fields.get("to_whom")) if "to_whom" in fields else None
        if what is not None and not isinstance(what, Info):
            raise Defer
        with self._atomic():
            sent = ops.transmit(self.exp, node, what, to_whom, NO_PROPS)
        return _success("transmissions", [t.__json__() for t in sent])

    def _transmissions(self, node: Any, scope: Scope) -> tuple[int, bytes, list[Any]]:
        query = _pairs(scope.get("query_string", b""))
        if set(query) - {"direction", "status"}:
            raise Defer
        direction = query.get("direction", "incoming")
        status = query.get("status", "all")
        if direction not in ("incoming", "outgoing", "all") or status not in ("all", "pending", "received"):
            raise Defer
        with self._atomic():
            rows, as_selected = ops.transmissions(self.exp, node, direction, status)
        return _success("transmissions", as_selected if as_selected is not None else [t.__json__() for t in rows])

    def _create_info(self, node: Any, scope: Scope, body: bytes) -> tuple[int, bytes, list[Any]]:
        fields = _form(scope, body, allowed={"contents"})
        contents = fields.get("contents")
        if contents is None or "\x00" in contents:
            raise Defer
        with self._atomic():
            info = ops.create_info(self.exp, node, Info, contents, False, NO_PROPS)
        status, payload, headers = _success("info", info.__json__())
        return status, payload, headers + CORS

    # ---------------------------------------------------------------- helpers

    def _node(self, raw: str) -> Any:
        node = self._row("node", raw)
        if node is None:
            raise Defer
        return node

    def _row(self, table: str, raw: str | None) -> Any:
        if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
            raise Defer
        ident = int(raw)
        row = self.store.get(table, ident) if 0 < ident <= MAX_ID else None
        if row is None:
            raise Defer
        return row

    def _atomic(self) -> Any:
        return _Atomic(self.store)


class _Atomic:
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


def _success(key: str, value: Any) -> tuple[int, bytes, list[Any]]:
    return 200, dumps({"status": "success", key: value}).encode(), JSON_HEADERS


def _pairs(raw: bytes) -> dict[str, str]:
    """Form or query pairs, decoded strictly; repeated keys are left to Quart's rules."""
    if not raw:
        return {}
    try:
        text = raw.decode("utf-8")
        if "%" in text or "+" in text:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
        else:  # plain "what=1&to_whom=2": no unquoting to do
            pairs = [part.partition("=")[::2] for part in text.split("&") if part]
    except UnicodeDecodeError:
        raise Defer from None
    out = dict(pairs)
    if len(out) != len(pairs):
        raise Defer
    return out


def _form(scope: Scope, body: bytes, allowed: set[str]) -> dict[str, str]:
    """The request's fields when they are exactly form fields the fast path reads."""
    if scope.get("query_string"):
        raise Defer
    if body:
        content_type = b""
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.split(b";", 1)[0].strip().lower()
        if content_type != FORM:
            raise Defer
    fields = _pairs(body)
    if set(fields) - allowed:
        raise Defer
    return fields


async def _read_body(receive: Receive, limit: int) -> tuple[Any, Receive]:
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


async def _respond(send: Send, status: int, body: bytes, headers: list[Any]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": headers + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
