"""oTree's REST wire format: JSON on success, plain text on error, the REST key, bodies.

oTree 6.0.15 (*observed*) answers errors as bare text, sometimes with no
Content-Type; simlab labels them ``text/plain; charset=utf-8`` and successes
``application/json``.  Where oTree answers bad input with a 500 or a 403
TypeError text, simlab answers 400 naming the field, the value and the rule
(spec: "Improve on oTree").
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from quart import Response

from ...config import Settings
from .. import jsontext
from ...errors import InvalidRequest, NotFound, WebError

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


def text(message: str, status: int) -> Response:
    return Response(message, status=status, content_type=TEXT)


def json_response(payload: Any) -> Response:
    """oTree's JSON answer; ``<``, ``>``, ``&`` escaped as in every simlab JSON answer (``jsontext``)."""
    return Response(jsontext.dumps(payload, allow_nan=False), status=200, content_type=JSON)


class ApiError(WebError):
    """An answer other than success: a status and oTree's plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found_text(exc: NotFound) -> str:
    """The 404 text for a failed lookup.

    oTree's ``db.get_or_404`` answers ``Not found (maybe the session was deleted):
    Session, {'code': 'abc'}`` (clients match the text before the colon); rooms
    have their own ``Room X not found``.
    """
    if type(exc) is NotFound and exc.what in ("Session", "Participant"):
        return f"Not found (maybe the session was deleted): {exc.what}, {{'code': {exc.ident!r}}}"
    return str(exc)


# ------------------------------------------------------------------ auth

MISSING_ENV = "Env var OTREE_REST_KEY must be defined to use REST API"
MISSING_HEADER = "HTTP Request Header otree-rest-key is missing"
WRONG_HEADER = "HTTP Request Header otree-rest-key is incorrect"


def check_rest_key(settings: Settings, headers: Mapping[str, str]) -> None:
    """Raise 403 unless the request may use the REST API (oTree's texts, in oTree's order).

    Unlike oTree (which parses the body first and compares with ``!=``), this runs
    before the body is read and compares in constant time.
    """
    if settings.otree_auth_level not in ("DEMO", "STUDY"):
        return
    expected = settings.otree_rest_key
    if not expected:
        raise ApiError(403, MISSING_ENV)
    given = headers.get("otree-rest-key")
    if not given:
        raise ApiError(403, MISSING_HEADER)
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(403, WRONG_HEADER)


# ------------------------------------------------------------------ bodies


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):  # e.g. 1e999: JSON cannot send it back
        raise ValueError(f"{literal} is out of range")
    return value


def parse_body(data: bytes) -> dict[str, Any]:
    """The request's JSON object; an empty body means ``{}``."""
    if not data.strip():
        return {}
    try:
        body = json.loads(data, parse_constant=_reject_constant, parse_float=_finite)
    except (ValueError, RecursionError):  # also UnicodeDecodeError; RecursionError: deeply nested
        raise InvalidRequest("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidRequest(f"Request body must be a JSON object, got {type(body).__name__}: {shown(body)}")
    return body


def shown(value: Any, limit: int = 80) -> str:
    """``value`` as JSON, cut to ``limit`` characters, for error messages."""
    out = json.dumps(value)
    return out if len(out) <= limit else out[: limit - 3] + "..."


Check = Callable[[str, Any], Any]


def _bad(name: str, value: Any, rule: str) -> InvalidRequest:
    return InvalidRequest(f"Field {name} must be {rule}, got {shown(value)}")


def string(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(name, value, "a non-empty string")
    return value


def any_string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(name, value, "a string")
    return value


def count_or_null(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(name, value, "an integer >= 1, or null")
    return value


def json_object(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(name, value, "a JSON object")
    return value


def string_list(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(name, value, "a list of strings")
    return value


def nullable(check: Check) -> Check:
    """``check``, but null is accepted and means "not given" (oTree's ``=None`` defaults)."""

    def nullable_check(name: str, value: Any) -> Any:
        return None if value is None else check(name, value)

    nullable_check.inner = check  # type: ignore[attr-defined]  # read by models.py for the docs
    return nullable_check


@dataclass(frozen=True)
class Field:
    name: str
    check: Check
    required: bool = False


def validate(body: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    """Check ``body`` against ``fields``: unexpected names first, then missing, then types.

    Unexpected comes first so a typo (``num_participant``) is named as such.
    """
    known = {f.name for f in fields}
    for name in body:
        if name not in known:
            raise InvalidRequest(f"Unexpected field: {name}")
    for f in fields:
        if f.required and f.name not in body:
            raise InvalidRequest(f"Missing required field: {f.name}")
    return {f.name: f.check(f.name, body[f.name]) for f in fields if f.name in body}
