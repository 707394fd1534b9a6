"""Dallinger's request parameters: where they come from and how they are checked.

Values come from the query string merged with form fields, as Flask's
``request.values``; a JSON body is ignored (and logged), as Dallinger ignores it.  The
rules and messages are those of Dallinger's ``request_parameter`` (spec 2),
whose messages start with ``request.url`` and the method.  Where Dallinger
answers bad input with a 500, simlab raises a 400 in the same style naming the
parameter, the value and the rule.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl, unquote_to_bytes
from collections.abc import Mapping
from typing import Any

from quart import Request
from werkzeug.routing import BaseConverter, ValidationError

from ...domain.operations import PROPERTY_NAMES, Properties
from ...store import MAX_ID
from .models import Model, Spec, specs
from .wire import DallingerError
from ...errors import WebError

logger = logging.getLogger("simlab.web")

_MISSING = object()
_ID = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"\s*[-+]?0*([0-9_]*)\s*")
#: More significant digits than any id (or 64-bit integer) can have.
MAX_DIGITS = 19
#: What an over-long literal parses to: beyond every id, so lookups find nothing.
OUT_OF_RANGE = MAX_ID + 1


class UndeclaredParameter(WebError, RuntimeError):
    """A handler read a parameter its route's model does not declare (a bug: docs would drift)."""


class Params:
    """The parameters of one request, with Dallinger's validation rules.

    With a route ``model`` (see ``models.py``), defaults, required-ness and
    allowed values come from it, and reading an undeclared name raises
    ``UndeclaredParameter``; without one, from the call's arguments.
    """

    __slots__ = ("values", "body", "request", "known_classes", "specs")

    def __init__(
        self,
        values: Mapping[str, str],
        request: Request,
        known_classes: Mapping[str, type],
        body: Mapping[str, str] | None = None,
        model: type[Model] | None = None,
    ) -> None:
        self.values = values
        self.body = body or {}
        self.request = request
        self.known_classes = known_classes
        self.specs = specs(model) if model is not None else None

    def spec(self, name: str) -> Spec | None:
        """The declared parameter ``name`` (None without a model); undeclared is a bug."""
        if self.specs is None:
            return None
        found = self.specs.get(name)
        if found is None:
            raise UndeclaredParameter(f"{self.request.path} reads {name!r}, which its request model does not declare")
        return found

    def raw(self, name: str) -> str | None:
        """The value as sent (None if absent), unchecked; the name must be declared."""
        self.spec(name)
        return self.values.get(name)

    def allowed(self, name: str) -> tuple[str, ...]:
        spec = self.spec(name)
        if spec is None or spec.allowed is None:
            raise UndeclaredParameter(f"{name!r} has no allowed values in its request model")
        return spec.allowed

    @property
    def url(self) -> str:
        """Flask's ``request.url`` (scheme, host, path and query), as Dallinger's messages quote it."""
        return self.request.url  # computed only when a message needs it

    @property
    def method(self) -> str:
        return self.request.method

    @classmethod
    async def read(
        cls, request: Request, known_classes: Mapping[str, type], model: type[Model] | None = None, json_route: bool = False
    ) -> Params:
        """The query string merged with the form fields, as Flask's ``request.values``.

        A JSON body is ignored, as Dallinger ignores it (spec 2): the route then
        answers what Dallinger answers, e.g. the 400 for a missing parameter, and a
        warning names the cause.  ``json_route``: the route reads its JSON body itself.
        """
        values = _strict_pairs(request, request.query_string, "the query string")
        body: dict[str, str] = {}
        if request.method != "GET" or request.content_length:
            mimetype = request.mimetype
            if mimetype == "application/json" or mimetype.endswith("+json"):
                if not json_route and request.content_length != 0:
                    logger.warning(
                        "%s %s: JSON body ignored; Dallinger reads parameters from the query string "
                        "and form fields only (send the body form-encoded)",
                        request.method,
                        request.path,
                    )
            elif mimetype == "application/x-www-form-urlencoded" or not mimetype:
                # parse_qsl is several times cheaper than werkzeug's form parser on this hot path
                raw = await request.get_data(as_text=False)
                body = _strict_pairs(request, raw, "the request body") if raw else {}
            else:
                body = dict((await request.form).items())
            values.update(body)
        return cls(values, request, known_classes, body, model)

    def fail(self, rule: str) -> DallingerError:
        return DallingerError(f"{self.url} {self.method} request, {rule}")

    def _rule(self, name: str, default: Any, optional: bool) -> tuple[Any, bool]:
        """``(default, optional)`` from the model when bound; ``optional=True`` may relax it (a pre-check)."""
        spec = self.spec(name)
        if spec is None:
            return default, optional
        if default is not None and spec.default is not None and default != spec.default:
            raise UndeclaredParameter(f"{name!r}: default {default!r} differs from the model's {spec.default!r}")
        return (spec.default if default is None else default), (optional or not spec.required)

    def text(self, name: str, default: Any = None, optional: bool = False) -> Any:
        """A string parameter; missing means ``default``, else None if optional, else 400."""
        default, optional = self._rule(name, default, optional)
        value = self.values.get(name, _MISSING)
        if value is _MISSING:
            if default is not None:
                return default
            if optional:
                return None
            raise self.fail(f"{name} not specified")
        if "\x00" in value:  # type: ignore[operator]
            raise self.fail(f"invalid character (NUL) in {name}")
        return value

    def integer(self, name: str, default: int | None = None, optional: bool = False) -> Any:
        value = self.text(name, default=default, optional=optional)
        if value is None or isinstance(value, int):
            return value
        try:
            number = integer_literal(value)
        except ValueError:
            raise self.fail(f"non-numeric {name}: {value}") from None
        if abs(number) > MAX_ID:
            raise self.fail(f"{name} out of range: {value}")
        return number

    def boolean(self, name: str, default: bool | None = None, optional: bool = False) -> Any:
        value = self.text(name, default=default, optional=optional)
        if value is None or isinstance(value, bool):
            return value
        if value not in ("True", "False"):
            raise self.fail(f"non-boolean {name}: {value}")
        return value == "True"

    def known_class(self, name: str, default: type, base: type | None = None) -> type:
        """A class named in ``known_classes``; with ``base``, it must derive from it (else 400)."""
        spec = self.spec(name)
        if spec is not None:
            declared = spec.known_class
            if declared is None or (declared.default, declared.base) != (default.__name__, base and base.__name__):
                raise UndeclaredParameter(f"{name!r}: the model's class rule differs from the handler's")
        value = self.text(name, optional=True)
        if value is None:
            return default
        cls = self.known_classes.get(value)
        if cls is None:
            raise self.fail(f"unknown_class: {value} for parameter {name}")
        if base is not None and not (isinstance(cls, type) and issubclass(cls, base)):
            raise self.fail(f"{name} must name a {base.__name__} class, got {value}")
        return cls

    def choice(self, name: str, default: str | None = None, allowed: tuple[str, ...] | None = None) -> str:
        if allowed is None:
            allowed = self.allowed(name)
        value = self.text(name, default=default)
        if value not in allowed:
            raise self.fail(f"invalid {name}: {value} (must be one of {', '.join(allowed)})")
        return value  # type: ignore[no-any-return]

    def properties(self) -> Properties:
        """``details`` (JSON text, parsed) and ``property1``–``5`` for ``assign_properties``."""
        raw = self.text("details", optional=True)
        details, has_details = None, raw is not None
        if has_details:
            details = parse_details(self, raw)
        values = {}
        for name in PROPERTY_NAMES:
            value = self.text(name, optional=True)
            if value:
                values[name] = value
        return Properties(details=details, has_details=has_details, values=values)


def _strict_pairs(request: Request, raw: bytes, where: str) -> dict[str, str]:
    """Form-encoded pairs; invalid UTF-8 (raw or percent-encoded) is a 400, not a silent U+FFFD.

    Dallinger stores such values and PostgreSQL then fails with a 500 (spec 9.14).
    """
    if not raw:
        return {}
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        raise DallingerError(f"{request.url} {request.method} request, invalid UTF-8 in {where}") from None


def check_path(request: Request) -> None:
    """Refuse a URL path with invalid UTF-8 or NUL in its percent-escapes (spec 9.14)."""
    raw = request.scope.get("raw_path") or request.path.encode()
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise DallingerError(f"{request.url} {request.method} request, invalid UTF-8 in the URL path") from None
    if "\x00" in path:
        raise DallingerError(f"{request.url} {request.method} request, invalid character (NUL) in the URL path")


def parse_details(params: Params, raw: str) -> Any:
    """Parse ``details``: JSON that can be stored (no NaN or Infinity), else 400."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise params.fail(f"details is not valid JSON: {raw}") from None
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not storable JSON")


def path_id(params: Params, name: str, raw: str) -> int | None:
    """An id from an untyped URL segment: 400 if not an integer, None if out of range.

    Dallinger passes these segments to PostgreSQL and answers 500 (spec 2); an id
    beyond the store's range cannot exist, so the route's "not found" applies.
    """
    if not _ID.fullmatch(raw):
        raise params.fail(f"non-numeric {name}: {raw}")
    return id_or_none(integer_literal(raw))


def integer_literal(raw: str) -> int:
    """``int(raw)``, but a literal of more than ``MAX_DIGITS`` digits is ``±OUT_OF_RANGE``.

    The one place ids and integer parameters are parsed: ``int()`` refuses literals
    of more than 4,300 digits with a ValueError that is not "non-numeric", and a
    route must answer an over-long id with its usual "does not exist".  Raises
    ValueError for what ``int()`` refuses otherwise.
    """
    match = _DECIMAL.fullmatch(raw)
    if match is not None and len(match.group(1).replace("_", "")) > MAX_DIGITS:
        if not _plain_digits(match.group(1)):
            raise ValueError(f"invalid integer literal: {raw[:32]}")
        return OutOfRange(raw)
    return int(raw)


class OutOfRange(int):
    """An over-long integer literal: ``±OUT_OF_RANGE`` as a number, the literal as text.

    Messages that name the id (``node 999... does not exist``) then quote what was sent.
    """

    literal: str

    def __new__(cls, literal: str) -> OutOfRange:
        value = super().__new__(cls, -OUT_OF_RANGE if literal.lstrip().startswith("-") else OUT_OF_RANGE)
        value.literal = literal
        return value

    def __str__(self) -> str:
        return self.literal

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(self.literal, spec)


def _plain_digits(digits: str) -> bool:
    """Digits with single underscores between them, as ``int()`` accepts."""
    return not digits.startswith("_") and not digits.endswith("_") and "__" not in digits


def id_or_none(number: int) -> int | None:
    """``number`` if a row may have it as id, else None."""
    return number if 0 < number <= MAX_ID else None


def url_id(value: int) -> int | None:
    """An ``int:`` URL segment, or None when no row can have it."""
    return value if value <= MAX_ID else None


class IdConverter(BaseConverter):
    """werkzeug's ``int`` converter, parsed by ``integer_literal`` (an over-long id is no 500)."""

    regex = r"\d+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        try:
            return integer_literal(value)
        except ValueError:  # e.g. 5,000 non-ASCII digits: no route matches, as in werkzeug
            raise ValidationError() from None

    def to_url(self, value: Any) -> str:
        return str(int(value))
