"""Request-body models of the oTree REST API, derived from the ``Field`` declarations in ``api.py``.

The ``Field`` tuples drive validation (``wire.validate``: oTree's plain-text
messages, unexpected names first); this module turns the same tuples into
pydantic models for ``/openapi.json``, so the document cannot drift from the
checks.  Every check of ``wire.py`` has one schema type here; a new check
without one fails loudly when the document is built.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field as PydanticField, create_model

from . import wire

#: The JSON type each check accepts.
CHECK_TYPES: dict[Any, Any] = {
    wire.string: Annotated[str, PydanticField(min_length=1)],
    wire.any_string: str,
    wire.count_or_null: Annotated[int, PydanticField(ge=1)] | None,
    wire.json_object: dict[str, Any],
    wire.string_list: list[str],
}


class Body(BaseModel):
    """oTree refuses unexpected fields: ``additionalProperties: false``."""

    model_config = ConfigDict(extra="forbid")


def field_type(check: Any) -> Any:
    inner = getattr(check, "inner", None)
    if inner is not None:
        return field_type(inner) | None
    try:
        return CHECK_TYPES[check]
    except KeyError:
        raise TypeError(f"no schema type for the oTree check {check!r}: add it to CHECK_TYPES") from None


@cache
def body_model(name: str, fields: tuple[wire.Field, ...]) -> type[BaseModel]:
    """The pydantic model of a route's JSON body (required fields have no default)."""
    definitions: dict[str, Any] = {}
    for f in fields:
        annotation = field_type(f.check)
        definitions[f.name] = (annotation, ...) if f.required else (annotation, None)
    return create_model(name, __base__=Body, **definitions)
