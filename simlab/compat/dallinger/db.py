"""``dallinger.db``: the session, the Redis connection, and the helpers experiments call."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ...domain.classes import polymorphic_mapping, table_roots
from ...domain.context import current_experiment
from ..session import RedisChannel, StoreSession, session
from ..surface import module_getattr

logger = logging.getLogger("dallinger.db")

redis_conn = RedisChannel()


def connect_to_redis(url: Any = None) -> RedisChannel:
    """The one in-process Redis stand-in (simlab runs no Redis server)."""
    return redis_conn


def init_db(drop_all: bool = False, bind: Any = None) -> StoreSession:
    """simlab's store needs no schema: returns the session."""
    return session


def queue_message(channel: str, message: str) -> None:
    """Publish ``message`` (Dallinger waits for the commit; a simlab request commits as a whole)."""
    redis_conn.publish(channel, message)


@contextmanager
def sessions_scope(session_: Any = session, commit: bool = False) -> Iterator[StoreSession]:
    yield session


def scoped_session_decorator(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


serialized = scoped_session_decorator


def _served() -> Any:
    exp = current_experiment()
    if exp is None:
        raise RuntimeError("dallinger.db's class lookups need an experiment served by simlab")
    return exp


def _table_name(table: Any) -> str:
    return table if isinstance(table, str) else table.name


def _root(table: Any) -> type:
    roots = table_roots(type(_served()))
    name = _table_name(table)
    if name not in roots:
        raise KeyError(f"no table {name!r} (simlab's tables: {', '.join(sorted(roots))})")
    return roots[name]


def get_polymorphic_mapping(table: Any) -> dict[str, type]:
    """``{type column value: class}`` of a table (the experiment's own subclasses included)."""
    return polymorphic_mapping(_root(table))


def get_mapped_classes(table: Any) -> list[type]:
    """Every class stored in ``table``."""
    return list(dict.fromkeys(get_polymorphic_mapping(table).values()))


def get_mapped_class(table: Any) -> type:
    """The one class of a table without subclasses (``notification``); AssertionError otherwise."""
    classes = get_mapped_classes(table)
    assert len(classes) == 1
    return classes[0]


def get_all_mapped_classes() -> dict[str, dict[str, Any]]:
    """``{class name: {"cls", "table", "polymorphic_identity"}}`` of the classes with stored rows."""
    exp = _served()
    classes: dict[str, dict[str, Any]] = {}
    for table, root in table_roots(type(exp)).items():
        mapping = polymorphic_mapping(root)
        for row_type in sorted({getattr(row, "type", None) or root.polymorphic_identity for row in exp.store.rows(table)}):
            cls = mapping.get(row_type, root)
            classes[cls.__name__] = {"cls": cls, "table": table, "polymorphic_identity": row_type}
    return classes


__getattr__ = module_getattr(__name__)

__all__ = [
    "connect_to_redis",
    "get_all_mapped_classes",
    "get_mapped_class",
    "get_mapped_classes",
    "get_polymorphic_mapping",
    "init_db",
    "logger",
    "queue_message",
    "redis_conn",
    "scoped_session_decorator",
    "serialized",
    "session",
    "sessions_scope",
]
