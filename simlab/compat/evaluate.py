"""Evaluate SQLAlchemy criteria over the store's rows, as PostgreSQL would.

Experiments write their query criteria as SQLAlchemy expressions
(``Info.id > 3``, ``and_(...)``, hybrid properties whose expression is
``cast(cls.property2, Integer)``).  Rather than a new query language, this walks
SQLAlchemy's own expression objects and computes them for one row, with SQL's
three-valued logic: a comparison with NULL is unknown (None), and a row matches
only when its criterion is true.
"""

from __future__ import annotations

import operator as op
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.sql import elements, functions, operators

from ..errors import ConfigError


class UnsupportedCriterion(ConfigError):
    """A criterion simlab cannot compute in Python; the message names the construct."""


_PG_TRUE = {"t", "true", "y", "yes", "on", "1"}
_PG_FALSE = {"f", "false", "n", "no", "off", "0"}


def _like(pattern: str, *, case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(regex, 0 if case else re.IGNORECASE | re.DOTALL)


def _null_safe(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        if a is None or b is None:
            return None
        return fn(a, b)

    return apply


_BINARY: dict[Any, Callable[[Any, Any], Any]] = {
    operators.eq: _null_safe(op.eq),
    operators.ne: _null_safe(op.ne),
    operators.lt: _null_safe(op.lt),
    operators.le: _null_safe(op.le),
    operators.gt: _null_safe(op.gt),
    operators.ge: _null_safe(op.ge),
    operators.add: _null_safe(op.add),
    operators.sub: _null_safe(op.sub),
    operators.mul: _null_safe(op.mul),
    operators.truediv: _null_safe(op.truediv),
    operators.mod: _null_safe(op.mod),
    operators.concat_op: _null_safe(lambda a, b: f"{a}{b}"),
    operators.is_: lambda a, b: a is b if b is None else a == b,
    operators.is_not: lambda a, b: a is not b if b is None else a != b,
    operators.is_distinct_from: lambda a, b: a != b,
    operators.is_not_distinct_from: lambda a, b: a == b,
    operators.in_op: lambda a, b: None if a is None else a in b,
    operators.not_in_op: lambda a, b: None if a is None else a not in b,
    operators.like_op: _null_safe(lambda a, b: bool(_like(b, case=True).fullmatch(str(a)))),
    operators.not_like_op: _null_safe(lambda a, b: not _like(b, case=True).fullmatch(str(a))),
    operators.ilike_op: _null_safe(lambda a, b: bool(_like(b, case=False).fullmatch(str(a)))),
    operators.not_ilike_op: _null_safe(lambda a, b: not _like(b, case=False).fullmatch(str(a))),
}

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda v: None if v is None else str(v).lower(),
    "upper": lambda v: None if v is None else str(v).upper(),
    "length": lambda v: None if v is None else len(str(v)),
    "abs": lambda v: None if v is None else abs(v),
    "coalesce": lambda *vs: next((v for v in vs if v is not None), None),
}


def cast_value(value: Any, type_: Any) -> Any:
    """PostgreSQL's cast of a stored value (columns hold text) to ``type_``."""
    if value is None:
        return None
    if isinstance(type_, sqltypes.Boolean):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _PG_TRUE:
            return True
        if text in _PG_FALSE:
            return False
        raise ValueError(f'invalid input syntax for type boolean: "{value}"')
    if isinstance(type_, sqltypes.Integer):
        if isinstance(value, (bool, int)):
            return int(value)
        if isinstance(value, float):
            return round(value)
        return int(str(value).strip())
    if isinstance(type_, (sqltypes.Float, sqltypes.Numeric)):
        return float(value)
    if isinstance(type_, sqltypes.String):
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return value


def evaluate(clause: Any, row: Any) -> Any:
    """The value of ``clause`` for ``row`` (None stands for SQL's NULL / unknown)."""
    if hasattr(clause, "__clause_element__"):
        clause = clause.__clause_element__()
    if isinstance(clause, elements.ColumnClause):
        return getattr(row, clause.name)
    if isinstance(clause, elements.BindParameter):
        return clause.effective_value
    if isinstance(clause, elements.BinaryExpression):
        fn = _BINARY.get(clause.operator)
        if fn is None:
            raise UnsupportedCriterion(f"simlab cannot evaluate the SQL operator {clause.operator!r}")
        return fn(evaluate(clause.left, row), evaluate(clause.right, row))
    if isinstance(clause, elements.BooleanClauseList):
        return _boolean_list(clause, row)
    if isinstance(clause, elements.Cast):
        return cast_value(evaluate(clause.clause, row), clause.type)
    if isinstance(clause, elements.UnaryExpression):
        value = evaluate(clause.element, row)
        if clause.operator is operators.inv:
            return None if value is None else not value
        if clause.modifier is None:
            return value
        raise UnsupportedCriterion(f"simlab cannot evaluate {clause.modifier!r} in a criterion")
    if isinstance(clause, (elements.Grouping, elements.Label)):
        return evaluate(clause.element, row)
    if isinstance(clause, elements.True_):
        return True
    if isinstance(clause, elements.False_):
        return False
    if isinstance(clause, elements.Null):
        return None
    if isinstance(clause, elements.ClauseList):
        return [evaluate(c, row) for c in clause.clauses]
    if isinstance(clause, functions.Function):
        fn = _FUNCTIONS.get(clause.name.lower())
        if fn is None:
            raise UnsupportedCriterion(f"simlab cannot evaluate the SQL function {clause.name}()")
        return fn(*(evaluate(c, row) for c in clause.clauses.clauses))
    raise UnsupportedCriterion(f"simlab cannot evaluate {type(clause).__name__} in a criterion")


def _boolean_list(clause: Any, row: Any) -> Any:
    """AND / OR with SQL's three-valued logic."""
    is_and = clause.operator is operators.and_
    unknown = False
    for part in clause.clauses:
        value = evaluate(part, row)
        if value is None:
            unknown = True
        elif bool(value) is not is_and:
            return not is_and
    return None if unknown else is_and


def order_key(clause: Any) -> tuple[Callable[[Any], Any], bool]:
    """``(key(row), descending)`` for one ``order_by`` term; NULLs sort last ascending, as in PostgreSQL."""
    if hasattr(clause, "__clause_element__"):
        clause = clause.__clause_element__()
    descending = False
    if isinstance(clause, elements.UnaryExpression) and clause.modifier in (operators.desc_op, operators.asc_op):
        descending = clause.modifier is operators.desc_op
        clause = clause.element

    def key(row: Any) -> Any:
        value = evaluate(clause, row)
        return (1, 0) if value is None else (0, value)

    return key, descending
