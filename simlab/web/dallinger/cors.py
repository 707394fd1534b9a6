"""CORS on the routes Dallinger decorates with ``crossdomain(origin="*")`` (spec 3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from quart import Response, request

from .wire import DallingerError, error_response

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS, POST, HEAD",
    "Access-Control-Max-Age": "21600",
}


def cors(view: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Response]]:
    """Add the CORS headers to every answer of ``view``, errors and OPTIONS included."""

    @wraps(view)
    async def wrapper(*args: Any, **kwargs: Any) -> Response:
        if request.method == "OPTIONS":
            response = Response("", status=200)
            response.headers["Allow"] = "GET, OPTIONS, POST, HEAD"
        else:
            try:
                response = await view(*args, **kwargs)
            except DallingerError as err:
                response = error_response(err)
            if not isinstance(response, Response):
                response = Response(response)
        response.headers.update(CORS_HEADERS)
        return response

    return wrapper
