"""``db.session``: SQLAlchemy's session API over the served experiment's store.

Every request already runs in one store transaction (a failed request leaves
nothing behind), so ``commit()`` joins it: it marks a savepoint that a later
``rollback()`` returns to, as a rollback after a commit does in SQLAlchemy.
"""

from __future__ import annotations

import threading
from collections import deque
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


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode() if not isinstance(value, str) else value.encode()


class RedisPubSub:
    """``redis_conn.pubsub()``: receives, in process, what is published on its channels."""

    def __init__(self, hub: RedisChannel) -> None:
        self._hub = hub
        self.channels: set[str] = set()
        self._inbox: deque[dict[str, Any]] = deque()

    def subscribe(self, *channels: str) -> None:
        with self._hub._lock:
            for channel in channels:
                self.channels.add(channel)
                self._hub._subscribers.setdefault(channel, []).append(self)
                self._inbox.append({"type": "subscribe", "pattern": None, "channel": _as_bytes(channel), "data": len(self.channels)})

    def unsubscribe(self, *channels: str) -> None:
        with self._hub._lock:
            for channel in channels or tuple(self.channels):
                self.channels.discard(channel)
                if self in self._hub._subscribers.get(channel, []):
                    self._hub._subscribers[channel].remove(self)

    def get_message(self, ignore_subscribe_messages: bool = False, timeout: float = 0.0) -> dict[str, Any] | None:
        """The next message, or None when there is none yet (never blocks the server)."""
        with self._hub._lock:
            while self._inbox:
                message = self._inbox.popleft()
                if ignore_subscribe_messages and message["type"] != "message":
                    continue
                return message
        return None

    def close(self) -> None:
        self.unsubscribe()

    def _deliver(self, channel: str, data: bytes) -> None:
        self._inbox.append({"type": "message", "pattern": None, "channel": _as_bytes(channel), "data": data})


class RedisChannel:
    """``db.redis_conn``: Redis's calls experiments make, in process (simlab runs no Redis).

    ``publish`` goes to the served experiment's chat relay (what the browser's
    ``/chat`` socket receives) and to every ``pubsub()`` subscribed to the
    channel; ``get``/``set``/``delete`` keep values (as bytes, as Redis answers) for the process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, list[RedisPubSub]] = {}
        self._values: dict[str, bytes] = {}

    def publish(self, channel: str, message: Any) -> int:
        text = message if isinstance(message, str) else _as_bytes(message).decode()
        with self._lock:
            receivers = list(self._subscribers.get(channel, ()))
            for receiver in receivers:
                receiver._deliver(channel, text.encode())
        exp = context.current_experiment()
        if exp is not None:
            exp.publish(channel, text)
        elif not receivers:
            raise RuntimeError("redis_conn.publish is used outside an experiment served by simlab")
        return len(receivers)

    def pubsub(self, **options: Any) -> RedisPubSub:
        return RedisPubSub(self)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._values.get(key)

    def set(self, key: str, value: Any, **options: Any) -> bool:
        with self._lock:
            self._values[key] = _as_bytes(value)
        return True

    def delete(self, *keys: str) -> int:
        with self._lock:
            return sum(self._values.pop(k, None) is not None for k in keys)

    def exists(self, *keys: str) -> int:
        with self._lock:
            return sum(k in self._values for k in keys)

    def ping(self) -> bool:
        return True
