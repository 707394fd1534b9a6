"""oTree's REST API: ``/api/...`` (the 3.0 endpoints and those of oTree 6.0).

Each route is served with and without a trailing slash: oTree's documented
``call_api`` helper posts to ``/api/sessions/`` and oTree 307-redirects those
forms (*observed*); serving both directly saves clients the redirect.  Order of
checks for every call: method (405), REST key (403, before the body is read),
body (400), then one domain call in a store transaction, so a rejected call
changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from quart import Blueprint, Response, request
from quart_schema import hide
from werkzeug.exceptions import HTTPException

from ...domain import otree
from ...domain.admission import Refused
from ...domain.otree import StudySettings
from ...domain.otree.sessions import json_safe
from ...errors import Forbidden, InvalidRequest, InvalidState, NotFound
from .wire import (
    ApiError,
    Field,
    any_string,
    check_rest_key,
    count_or_null,
    json_object,
    json_response,
    not_found_text,
    nullable,
    parse_body,
    string,
    string_list,
    text,
    validate,
)

if TYPE_CHECKING:
    from ..runtime import Runtime

logger = logging.getLogger("simlab.web.otree")

#: What ``/api/otree_version`` reports: the oTree release whose API simlab serves.
OTREE_COMPATIBLE_VERSION = "6.0.15"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

Handler = Callable[..., Any]

CREATE_SESSION = (
    Field("session_config_name", string, required=True),
    # oTree needs the key even for "default size" (null); omitting it is its 403 TypeError.
    Field("num_participants", count_or_null, required=True),
    Field("modified_session_config_fields", nullable(json_object)),
    Field("room_name", nullable(string)),
    Field("label", nullable(any_string)),
)
GET_SESSION = (
    Field("participant_labels", nullable(string_list)),
    Field("participant_vars", nullable(string_list)),
    Field("session_vars", nullable(string_list)),
)
VARS = (Field("vars", json_object, required=True),)
ROOM_PARTICIPANT_VARS = (
    Field("room_name", string, required=True),
    Field("participant_label", string, required=True),
    Field("vars", json_object, required=True),
)
ROOM_SESSION_VARS = (Field("room_name", string, required=True), Field("vars", json_object, required=True))


def base_url() -> str:
    """The request's scheme and host: URLs in answers are absolute, as oTree's ``url_for``."""
    return request.host_url.rstrip("/")


def session_urls(session: Any, base: str) -> dict[str, str]:
    urls = {
        "session_wide_url": f"{base}/join/{session.join_code}",
        "admin_url": f"{base}/SessionStartLinks/{session.code}",
    }
    if session.room_name:
        urls["room_url"] = f"{base}/room/{session.room_name}"
    return urls


class Api:
    """Collects ``(rule, method) -> handler`` and installs one dispatching view per rule."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.rules: dict[str, dict[str, tuple[tuple[Field, ...] | None, Handler]]] = {}

    def route(self, rule: str, method: str, fields: tuple[Field, ...] | None = None) -> Callable[[Handler], Handler]:
        """Declare ``handler(args, **path_params) -> payload``; ``fields=None``: body not read."""

        def decorate(handler: Handler) -> Handler:
            self.rules.setdefault(rule, {})[method] = (fields, handler)
            return handler

        return decorate

    def install(self, bp: Blueprint) -> None:
        for rule, handlers in self.rules.items():
            view = self._view(handlers)
            endpoint = "api" + rule.replace("/", "_").replace("<", "").replace(">", "")
            for form in (rule, rule + "/"):
                bp.add_url_rule(form, endpoint, view, methods=METHODS, provide_automatic_options=False)

    def _view(self, handlers: dict[str, tuple[tuple[Field, ...] | None, Handler]]) -> Callable[..., Any]:
        rt = self.rt
        allow = ", ".join(sorted(set(handlers) | ({"HEAD"} if "GET" in handlers else set())))

        async def view(**path: str) -> Response:
            entry = handlers.get("GET" if request.method == "HEAD" else request.method)
            if entry is None:
                response = text("Method not allowed", 405)
                response.headers["Allow"] = allow
                return response
            fields, handler = entry
            try:
                check_rest_key(rt.settings, request.headers)
                args: dict[str, Any] = {}
                if fields is not None:
                    args = validate(parse_body(await request.get_data()), fields)
                with rt.store.transaction():
                    payload = handler(args, **path)
                return json_response(payload)
            except ApiError as exc:
                return text(exc.message, exc.status)
            except InvalidRequest as exc:
                return text(str(exc), 400)
            except NotFound as exc:
                return text(not_found_text(exc), 404)
            except Forbidden as exc:
                return text(str(exc), 403)
            except InvalidState as exc:
                return text(str(exc), 409)
            except HTTPException as exc:  # e.g. 413 from MAX_CONTENT_LENGTH while reading the body
                return text(exc.description or exc.name, exc.code or 400)
            except Refused as exc:
                return text(str(exc), exc.status)
            except Exception:
                logger.exception("%s %s failed", request.method, request.path)
                return text("Internal server error", 500)

        # The OpenAPI document lists each method with its own body model (see web/openapi.py).
        view.otree_operations = handlers  # type: ignore[attr-defined]
        return view


def register(bp: Blueprint, rt: Runtime, study: StudySettings) -> None:
    exp = rt.exp
    store = rt.store
    api = Api(rt)

    @api.route("/api/sessions", "GET")
    def list_sessions(args: dict[str, Any]) -> Any:
        base = base_url()
        return [{**otree.session_summary(s), **session_urls(s, base)} for s in otree.sessions(store)]

    @api.route("/api/sessions", "POST", CREATE_SESSION)
    def create_session(args: dict[str, Any]) -> Any:
        # mock_exogenous_data never runs for REST-created sessions (*observed* in oTree).
        session = otree.create_session(exp, study, **args)
        return {"code": session.code, **session_urls(session, base_url())}

    def get_session(args: dict[str, Any], code: str) -> Any:
        detail = otree.session_detail(
            store,
            study,
            code,
            participant_labels=args.get("participant_labels"),
            participant_vars=args.get("participant_vars") or (),
            session_vars=args.get("session_vars") or (),
        )
        detail.update(session_urls(otree.get_session(store, code), base_url()))
        return detail

    api.route("/api/get_session/<code>", "POST", GET_SESSION)(get_session)
    # oTree's legacy form: a GET with the same JSON body.
    api.route("/api/sessions/<code>", "GET", GET_SESSION)(get_session)

    @api.route("/api/participant_vars", "POST", ROOM_PARTICIPANT_VARS)
    def room_participant_vars(args: dict[str, Any]) -> Any:
        otree.set_room_participant_vars(store, study, args["room_name"], args["participant_label"], args["vars"])
        return {}

    @api.route("/api/participant_vars/<code>", "POST", VARS)
    def participant_vars(args: dict[str, Any], code: str) -> Any:
        otree.set_participant_vars(store, code, args["vars"])
        return {}

    # oTree 3.0's form; oTree 6.0.15 dropped it (404), simlab keeps it for 3.0 clients.
    @api.route("/api/session_vars", "POST", ROOM_SESSION_VARS)
    def room_session_vars(args: dict[str, Any]) -> Any:
        otree.set_room_session_vars(store, study, args["room_name"], args["vars"])
        return {}

    @api.route("/api/session_vars/<code>", "POST", VARS)
    def session_vars(args: dict[str, Any], code: str) -> Any:
        otree.set_session_vars(store, code, args["vars"])
        return {}

    @api.route("/api/session_configs", "GET")
    def session_configs(args: dict[str, Any]) -> Any:
        return [json_safe(config) for config in study.session_configs]

    @api.route("/api/rooms", "GET")
    def rooms(args: dict[str, Any]) -> Any:
        base = base_url()
        out = []
        for room in study.rooms:
            session = otree.current_session(store, room.name)
            out.append({"name": room.name, "session_code": session.code if session else None, "url": f"{base}/room/{room.name}"})
        return out

    @api.route("/api/otree_version", "GET")
    def otree_version(args: dict[str, Any]) -> Any:
        return {"version": OTREE_COMPATIBLE_VERSION}

    # Undocumented in oTree (*observed*): each app's doc; simlab has no apps, so "".
    @api.route("/api/apps", "GET")
    def apps(args: dict[str, Any]) -> Any:
        return dict.fromkeys(study.app_names(), "")

    api.install(bp)

    # Any other /api/ path: oTree's plain 404 (Starlette's "Not Found"), not a Dallinger page.
    @bp.route("/api/<path:rest>", methods=METHODS, provide_automatic_options=False)
    @hide
    async def api_not_found(rest: str) -> Response:
        return text("Not Found", 404)
