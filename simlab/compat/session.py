"""``db.session``: SQLAlchemy's session API over the served experiment's store.

Every request already runs in one store transaction (a failed request leaves
nothing behind), so ``commit()`` joins it: it marks a savepoint that a later
``rollback()`` returns to, as a rollback after a commit does in SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..domain import context
from .query import Query


def _experiment() -> Any:
    exp = context.current_experiment()
    if exp is None:
        raise RuntimeError("db.session is used outside an experiment served by simlab")
    return exp


class StoreSession:
    """What experiments call on ``dallinger.db.session``."""

    def _store(self) -> Any:
        return _experiment().store

    def query(self, entity: type, *more: Any) -> Query:
        if more:
            raise NotImplementedError("simlab's db.session.query takes one model class")
        return Query(self._store(), entity)

    def get(self, entity: type, ident: Any) -> Any:
        return Query(self._store(), entity).get(ident)

    def add(self, obj: Any) -> None:
        """Insert ``obj`` if it is not stored yet (rows made by constructors already are)."""
        if getattr(obj, "_store", None) is None:
            self._store().add(obj)

    def add_all(self, objects: Any) -> None:
        for obj in objects:
            self.add(obj)

    def commit(self) -> None:
        store = self._store()
        store._compat_savepoint = store.savepoint()

    def flush(self, objects: Any = None) -> None:
        """Writes are visible at once in the store: nothing to flush."""

    def rollback(self) -> None:
        store = self._store()
        mark = getattr(store, "_compat_savepoint", None)
        if store.savepoint() is not None:
            store.rollback_to(mark or 0)

    def refresh(self, obj: Any, attribute_names: Any = None) -> None:
        """Rows are the stored objects themselves: always fresh."""

    def expire(self, obj: Any, attribute_names: Any = None) -> None:
        """Rows are the stored objects themselves: nothing to expire."""

    def expire_all(self) -> None:
        """Rows are the stored objects themselves: nothing to expire."""

    def close(self) -> None:
        """Sessions are per request already."""

    def remove(self) -> None:
        """Sessions are per request already."""

    @property
    @contextmanager
    def no_autoflush(self) -> Iterator[StoreSession]:
        yield self

    def __call__(self) -> StoreSession:
        """``scoped_session()`` returns the session itself."""
        return self


session = StoreSession()


class RedisChannel:
    """``db.redis_conn``: publishing goes to simlab's in-process relay (Dallinger uses Redis pub/sub)."""

    def publish(self, channel: str, message: Any) -> int:
        _experiment().publish(channel, message if isinstance(message, str) else message.decode())
        return 0

    def get(self, key: str) -> None:
        """Dallinger reads ``auto_recruit`` overrides from Redis; simlab keeps none."""
        return None

    def set(self, key: str, value: Any) -> None:
        """Accepted and ignored (Dallinger's Redis flags have no simlab meaning)."""
