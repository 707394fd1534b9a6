"""``dallinger.experiment_server.utils``: Dallinger's JSON envelopes and view decorators."""

from __future__ import annotations

import functools
import json
import logging
from datetime import date, datetime
from typing import Any

from flask import Response, make_response, render_template

from ...config import get_config
from ...surface import module_getattr

logger = logging.getLogger("dallinger.experiment_server.utils")


def date_handler(obj: Any) -> Any:
    """``json.dumps(default=date_handler)``: dates as ISO 8601, anything else as itself."""
    return obj.isoformat() if isinstance(obj, (date, datetime)) else obj


def success_response(**data: Any) -> Response:
    """``{"status": "success", ...data}`` with status 200."""
    payload = {"status": "success", **data}
    return Response(json.dumps(payload, default=str), status=200, mimetype="application/json")


def error_page(
    participant: Any = None,
    error_text: str | None = None,
    compensate: bool = True,
    error_type: str = "default",
    request_data: str = "",
) -> Response:
    """The experiment's ``error.html`` page (Dallinger's error page for participants)."""
    text = error_text or "There has been an error and so you are unable to continue, sorry!"
    html = render_template(
        "error.html",
        error_text=text,
        compensate=compensate,
        error_type=error_type,
        participant=participant,
        request_data=request_data,
    )
    return make_response(html, 500)


def error_response(
    error_type: str = "Internal server error",
    error_text: str = "",
    status: int = 400,
    participant: Any = None,
    simple: bool = False,
    request_data: str = "",
) -> Response:
    """Dallinger's error envelope: ``{"status": "error", "html": <error page>}``."""
    if simple:
        payload: dict[str, Any] = {"status": "error", "message": error_text or error_type}
    else:
        html = render_template(
            "error.html",
            error_type=error_type,
            error_text=error_text,
            participant=participant,
            request_data=request_data,
        )
        payload = {"status": "error", "html": html}
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def nocache(func: Any) -> Any:
    """The view's response is never cached (Cache-Control: no-cache, no-store, must-revalidate)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = make_response(func(*args, **kwargs))
        response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
        response.headers["Pragma"] = "no-cache"
        response.headers["Expires"] = "0"
        return response

    return wrapper


def crossdomain(origin: Any = None, methods: Any = None, headers: Any = None, max_age: int = 21600,
                attach_to_all: bool = True, automatic_options: bool = True) -> Any:
    """The view answers cross-origin requests (Access-Control-Allow-* headers) from ``origin``."""
    if methods is not None and not isinstance(methods, str):
        methods = ", ".join(sorted(m.upper() for m in methods))
    if headers is not None and not isinstance(headers, str):
        headers = ", ".join(h.upper() for h in headers)
    if origin is not None and not isinstance(origin, str):
        origin = ", ".join(origin)

    def decorate(func: Any) -> Any:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            response = make_response(func(*args, **kwargs))
            if origin is not None:
                response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = methods or "GET, HEAD, OPTIONS, POST"
            response.headers["Access-Control-Max-Age"] = str(max_age)
            if headers is not None:
                response.headers["Access-Control-Allow-Headers"] = headers
            return response

        return wrapper

    return decorate


__getattr__ = module_getattr(__name__)

__all__ = ["crossdomain", "date_handler", "error_page", "error_response", "get_config", "logger", "nocache",
           "success_response"]
