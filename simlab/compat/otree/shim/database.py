"""oTree's ``models`` namespace: field declarations (``models.IntegerField(...)``) and ``ExtraModel``.

simlab keeps a declaration's arguments and nothing else: oTree's pages and
database are not run.  Any ``...Field`` name works, as apps use many.
"""

from __future__ import annotations

from typing import Any


class Field:
    """A declared field: its kind (``IntegerField``) and the arguments it was declared with."""

    kind = "Field"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"models.{self.kind}(**{self.kwargs!r})"


def _field_class(name: str) -> type[Field]:
    return type(name, (Field,), {"kind": name})


BooleanField = _field_class("BooleanField")
CurrencyField = _field_class("CurrencyField")
DecimalField = _field_class("DecimalField")
FloatField = _field_class("FloatField")
IntegerField = _field_class("IntegerField")
LongStringField = _field_class("LongStringField")
StringField = _field_class("StringField")
Link = _field_class("Link")


class ExtraModel:
    """oTree's extra tables (``class Trial(ExtraModel)``): declared, not stored by simlab."""

    @classmethod
    def create(cls, **fields: Any) -> ExtraModel:
        obj = cls()
        for key, value in fields.items():
            setattr(obj, key, value)
        return obj

    @classmethod
    def filter(cls, **fields: Any) -> list[Any]:
        return []


def __getattr__(name: str) -> Any:
    if name.endswith("Field"):
        return _field_class(name)
    raise AttributeError(f"otree's models has no {name!r} (simlab serves the names apps declare fields with)")
