"""``Model.query`` and ``db.session.query(Model)``: SQLAlchemy's Query API over the store.

A query names a model class; its rows are that class's table, narrowed to
instances of the class (single-table polymorphism, as Dallinger maps it).
Equality criteria on the keys the store indexes (participant, origin, network,
worker, assignment) pick the candidates, so such a query costs O(candidates);
other criteria are computed per candidate by ``evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import sql as sa
from sqlalchemy.sql import elements, operators

from ..errors import ConfigError
from .evaluate import evaluate, order_key


class NoResultFound(ConfigError):
    """``one()`` found no row (SQLAlchemy's exception of the same name)."""


class MultipleResultsFound(ConfigError):
    """``one()``/``one_or_none()`` found several rows."""


class ClassLevelColumns:
    """The ``ModelMeta.sql`` hook: class-level columns become SQLAlchemy columns."""

    def __init__(self, store_of: Any) -> None:
        self._store_of = store_of
        self._columns: dict[tuple[type, str], Any] = {}

    def column(self, cls: type, name: str) -> Any:
        key = (cls, name)
        col = self._columns.get(key)
        if col is None:
            col = self._columns[key] = sa.column(name)
        return col

    def query(self, cls: type) -> Query:
        return Query(self._store_of(), cls)


class Query:
    """An immutable query: each refining call returns a new one, as SQLAlchemy's does."""

    def __init__(
        self,
        store: Any,
        entity: type,
        criteria: tuple[Any, ...] = (),
        order: tuple[Any, ...] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> None:
        if not isinstance(entity, type) or not getattr(entity, "table", ""):
            raise ConfigError(f"simlab can query model classes only, not {entity!r}")
        self._store = store
        self._entity = entity
        self._criteria = criteria
        self._order = order
        self._limit = limit
        self._offset = offset

    def _with(self, **changes: Any) -> Query:
        values: dict[str, Any] = {
            "criteria": self._criteria, "order": self._order, "limit": self._limit, "offset": self._offset,
        }
        values.update(changes)
        return Query(self._store, self._entity, **values)

    # -------------------------------------------------------------- refining

    def filter(self, *criteria: Any) -> Query:
        return self._with(criteria=self._criteria + tuple(criteria))

    def filter_by(self, **values: Any) -> Query:
        entity = self._entity
        criteria = []
        for name, value in values.items():
            attr = getattr(entity, name)
            criteria.append(attr == value)
        return self.filter(*criteria)

    def order_by(self, *terms: Any) -> Query:
        if len(terms) == 1 and terms[0] is None:
            return self._with(order=())
        return self._with(order=self._order + tuple(terms))

    def limit(self, n: int | None) -> Query:
        return self._with(limit=n)

    def offset(self, n: int | None) -> Query:
        return self._with(offset=n or 0)

    # ------------------------------------------------------------- executing

    def _candidates(self) -> list[Any]:
        """Rows that can match: an index lookup for an indexed equality, else the table."""
        store, table = self._store, self._entity.table
        for criterion in self._criteria:
            found = _indexed_lookup(store, table, criterion)
            if found is not None:
                return found
        return list(store.rows(table))

    def _rows(self) -> list[Any]:
        entity = self._entity
        rows = [
            row
            for row in self._candidates()
            if isinstance(row, entity) and all(evaluate(c, row) for c in self._criteria)
        ]
        rows.sort(key=lambda r: r.id)
        for term in reversed(self._order):
            key, descending = order_key(term)
            rows.sort(key=key, reverse=descending)
        rows = rows[self._offset :]
        return rows if self._limit is None else rows[: self._limit]

    def all(self) -> list[Any]:
        return self._rows()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows())

    def first(self) -> Any:
        rows = self.limit(1)._rows() if self._limit is None else self._rows()[:1]
        return rows[0] if rows else None

    def one_or_none(self) -> Any:
        rows = self._rows()
        if len(rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return rows[0] if rows else None

    def one(self) -> Any:
        row = self.one_or_none()
        if row is None:
            raise NoResultFound("No row was found when one was required")
        return row

    def count(self) -> int:
        return len(self._rows())

    def get(self, ident: Any) -> Any:
        """The row with primary key ``ident`` if it is of this query's class, else None."""
        try:
            ident = int(ident)
        except (TypeError, ValueError):
            return None
        row = self._store.get(self._entity.table, ident)
        return row if isinstance(row, self._entity) else None

    def exists(self) -> bool:
        return bool(self.limit(1)._rows())


#: Equality keys answered by a store index: table -> column -> lookup(store, value).
_INDEXES: dict[str, dict[str, Any]] = {
    "node": {
        "participant_id": lambda s, v: s.nodes_of_participant(v),
        "network_id": lambda s, v: _or_empty(lambda: s.network_index(v).nodes),
    },
    "info": {"origin_id": lambda s, v: _or_empty(lambda: s.node_index(v).infos)},
    "participant": {
        "worker_id": lambda s, v: s.participants_by_worker(v),
        "assignment_id": lambda s, v: s.participants_by_assignment(v),
    },
    "question": {"participant_id": lambda s, v: s.questions_of(v)},
    "transmission": {"info_id": lambda s, v: _or_empty(lambda: s.transmissions_of_info(v))},
}


def _or_empty(lookup: Any) -> list[Any]:
    try:
        return lookup()
    except (KeyError, TypeError):
        return []


def _indexed_lookup(store: Any, table: str, criterion: Any) -> list[Any] | None:
    lookups = _INDEXES.get(table)
    if not lookups or not isinstance(criterion, elements.BinaryExpression):
        return None
    if criterion.operator is not operators.eq:
        return None
    left, right = criterion.left, criterion.right
    if not isinstance(left, elements.ColumnClause) or not isinstance(right, elements.BindParameter):
        return None
    lookup = lookups.get(left.name)
    if lookup is None:
        return None
    return list(lookup(store, right.effective_value))
