"""oTree's ``Currency`` (points) and ``RealWorldCurrency``, as ``Decimal`` values rounded half-up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any


class BaseCurrency(Decimal):
    """A Decimal rounded to the unit's places when made (oTree's ``_sanitize``)."""

    places = 0

    def __new__(cls, amount: Any = 0) -> BaseCurrency:
        if amount is None:
            raise ValueError("Cannot convert None to currency")
        exact = Decimal.from_float(amount) if isinstance(amount, float) else Decimal(amount)
        return Decimal.__new__(cls, exact.quantize(Decimal("0.1") ** cls.places, rounding=ROUND_HALF_UP))

    def __repr__(self) -> str:
        return f"{Decimal.__str__(self)}cu"

    def _wrap(op: str) -> Any:  # type: ignore[misc]  # noqa: N805 (a class-body helper)
        method = getattr(Decimal, op)

        def apply(self: BaseCurrency, other: Any) -> Any:
            result = method(self, other if isinstance(other, Decimal) else Decimal(str(other)))
            return type(self)(result) if isinstance(result, Decimal) else result

        return apply

    __add__ = __radd__ = _wrap("__add__")
    __sub__ = _wrap("__sub__")
    __rsub__ = _wrap("__rsub__")
    __mul__ = __rmul__ = _wrap("__mul__")
    __truediv__ = _wrap("__truediv__")
    del _wrap


class Currency(BaseCurrency):
    """Points (oTree's ``USE_POINTS = True`` with ``POINTS_DECIMAL_PLACES = 0``)."""

    places = 0


class RealWorldCurrency(BaseCurrency):
    places = 2


def currency_range(first: Any, last: Any, increment: Any) -> list[Currency]:
    """``first, first+increment, ...`` up to ``last`` inclusive, as oTree's."""
    assert last >= first
    if Currency(increment) == 0:
        raise ValueError("currency_range() step argument must not be zero")
    out = []
    value = Currency(first)
    while value <= last:
        out.append(value)
        value = value + increment
    return out
