"""``dallinger.db``: the session, the Redis publisher, and the helpers experiments call."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..session import RedisChannel, StoreSession, session

redis_conn = RedisChannel()


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

__all__ = ["init_db", "queue_message", "redis_conn", "scoped_session_decorator", "serialized", "session", "sessions_scope"]
