"""A fast path for oTree's webhook routes, in front of Quart (as ``simlab.web.dallinger.fastpath`` is for Dallinger's).

Profiling ``POST /api/participant_vars`` under ``wrk -c16`` (py-spy, README
"Performance") put the route's own work (key check, JSON, one domain call) near
5% of the server's CPU and Quart's request machinery (request and app contexts,
routing, the request-body reader, response finalising, a nursery per request)
near a third.  The survey webhooks and dashboards of a running study call these
routes all the time, so their *plain success case* is answered here straight
from the ASGI scope, with the same checks, the same domain calls and the same
JSON (``jsontext``) as the Quart views in ``api.py``:

``POST /api/participant_vars`` (by room and label), ``POST /api/participant_vars/<code>``,
``POST /api/get_session/<code>``, ``POST /api/session_vars`` (by room) and
``POST /api/session_vars/<code>``.

Anything else is handed on unchanged (the body, already read, is replayed): a
missing or wrong REST key, a body that is not exactly the route's fields, an
unknown session, participant or room, a domain error (its transaction rolled
back first, so Quart re-runs the request on the same state), a trailing slash.
So every error answer is the Quart view's; this module only ever answers success.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...domain import otree
from ...domain.otree import StudySettings
from ...errors import SimlabError
from ...asgi import Receive, Send
from ..fastpath_io import Atomic, Defer, read_body, respond_durably
from .api import GET_SESSION, ROOM_PARTICIPANT_VARS, ROOM_SESSION_VARS, VARS, session_urls
from .wire import ApiError, check_rest_key, json_bytes, parse_body, validate

if TYPE_CHECKING:
    from ..runtime import Runtime

JSON_HEADERS = [(b"content-type", b"application/json")]
EMPTY = b"{}"
_CODE_ROUTE = re.compile(r"/api/(get_session|participant_vars|session_vars)/([^/]+)")


class OTreeFastPath:
    """Answers the plain success case of oTree's webhook routes; hands everything else to Quart."""

    def __init__(self, rt: Runtime, study: StudySettings, journal: Any) -> None:
        self.rt = rt
        self.store = rt.store
        self.settings = rt.settings
        self.study = study
        self.journal = journal

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send, fallback: Any) -> None:
        path = scope["path"]
        if scope["method"] != "POST":
            await fallback(scope, receive, send)
            return
        body, receive = await read_body(receive, self.settings.max_body_bytes)
        if body is None:
            await fallback(scope, receive, send)
            return
        try:
            payload = self._dispatch(path, scope, body)
        except Defer:
            await fallback(scope, receive, send)
            return
        await respond_durably(self.journal, send, 200, payload, JSON_HEADERS)

    def _dispatch(self, path: str, scope: dict[str, Any], body: bytes) -> bytes:
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        if path == "/api/participant_vars":
            args = self._args(headers, body, ROOM_PARTICIPANT_VARS)
            with Atomic(self.store):
                otree.set_room_participant_vars(self.store, self.study, args["room_name"], args["participant_label"], args["vars"])
            return EMPTY
        if path == "/api/session_vars":
            args = self._args(headers, body, ROOM_SESSION_VARS)
            with Atomic(self.store):
                otree.set_room_session_vars(self.store, self.study, args["room_name"], args["vars"])
            return EMPTY
        match = _CODE_ROUTE.fullmatch(path)
        if match is None:
            raise Defer
        route, code = match.groups()
        if route == "get_session":
            return self._get_session(scope, headers, body, code)
        args = self._args(headers, body, VARS)
        with Atomic(self.store):
            if route == "participant_vars":
                otree.set_participant_vars(self.store, code, args["vars"])
            else:
                otree.set_session_vars(self.store, code, args["vars"])
        return EMPTY

    def _get_session(self, scope: dict[str, Any], headers: dict[str, str], body: bytes, code: str) -> bytes:
        args = self._args(headers, body, GET_SESSION)
        host = headers.get("host")
        if not host:
            raise Defer
        with Atomic(self.store):
            detail = otree.session_detail(
                self.store,
                self.study,
                code,
                participant_labels=args.get("participant_labels"),
                participant_vars=args.get("participant_vars") or (),
                session_vars=args.get("session_vars") or (),
            )
            detail.update(session_urls(otree.get_session(self.store, code), f"{scope['scheme']}://{host}"))
        return json_bytes(detail)

    def _args(self, headers: dict[str, str], body: bytes, fields: Any) -> dict[str, Any]:
        """The checked body, as the Quart view checks it; any refusal defers (Quart answers it)."""
        try:
            check_rest_key(self.settings, headers)
            return validate(parse_body(body), fields)
        except (ApiError, SimlabError):
            raise Defer from None
