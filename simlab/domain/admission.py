"""Admission control: what anonymous clients may store, so they cannot exhaust the server's memory.

All state is in RAM, so every write a client makes is checked, at the end of
its transaction and before anything is kept, against three limits:

- **one value's size** (``max_value_bytes``): any text or JSON column of a row
  written (an info's contents, a question's response, a notification's details,
  a property...) is refused with 413 past it;
- **bytes per minute** stored by one participant (``participant_bytes_per_minute``,
  rows charged to the participant who owns them: its node's infos, transmissions,
  questions...) and by one client address (``address_bytes_per_minute``, every
  write; loopback clients are exempt, so a load test on the machine is not
  throttled; behind a proxy, trust its ``X-Forwarded-For`` with ``--behind-proxy``):
  refused with 429 and ``Retry-After`` once the minute's budget is spent (a token
  bucket refilled continuously, on trio's clock);
- **a memory high-water mark** (``memory_high_water_bytes``): while the process's
  resident memory is past it, every write is refused with 503 and ``Retry-After``,
  instead of the process growing until the kernel kills it.

A row costs ``ROW_BYTES`` (measured: ``benchmarks/admission_figures.py``) plus
the length of its text.  Only writes made for a client request are checked
(``client``); the experiment's own background work is not.
"""

from __future__ import annotations

import contextvars
import ipaddress
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

#: RAM one stored row takes besides its text (bytes; measured, see the module docstring).
ROW_BYTES = 700
#: Seconds between two reads of the process's resident memory.
MEMORY_PROBE_INTERVAL = 1.0

#: The client address of the request being served (None outside a request).
_client: contextvars.ContextVar[str | None] = contextvars.ContextVar("simlab_client", default=None)


class Refused(Exception):
    """A write refused to protect the server; ``status`` 413, 429 or 503, ``retry_after`` seconds."""

    def __init__(self, message: str, status: int, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    """The admission limits (``Settings`` carries them; 0 turns one off)."""

    max_value_bytes: int = 256 * 1024
    participant_bytes_per_minute: int = 4 << 20
    address_bytes_per_minute: int = 16 << 20
    #: 0: 80% of the memory this process may use (cgroup limit, else physical RAM)
    memory_high_water_bytes: int = 0


@contextmanager
def client(address: str | None) -> Iterator[None]:
    """Mark the writes made inside as made for a request from ``address``."""
    token = _client.set(address or "")
    try:
        yield
    finally:
        _client.reset(token)


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address in ("", "localhost", "testclient")


class TokenBuckets:
    """Per-key budgets of ``per_minute`` units, refilled continuously."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[Any, tuple[float, float]] = {}

    def _level(self, key: Any, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - at) * self.rate)

    def shortfall(self, key: Any, amount: int) -> float:
        """Seconds until ``amount`` fits in ``key``'s budget (0 when it fits now)."""
        level = self._level(key, self.clock())
        return 0.0 if amount <= level else (amount - level) / self.rate

    def take(self, key: Any, amount: int) -> None:
        now = self.clock()
        self._buckets[key] = (self._level(key, now) - amount, now)
        if len(self._buckets) > 50_000:  # forget full buckets: they equal a fresh one
            for k in [k for k, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.capacity]:
                del self._buckets[k]


def value_bytes(value: Any) -> int:
    """About how many bytes a column value holds (text length; JSON walked)."""
    if value is None or isinstance(value, (bool, int, float)):
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, dict):
        return sum(value_bytes(k) + value_bytes(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(value_bytes(v) for v in value)
    return len(str(value))


def resident_bytes() -> int:
    """This process's resident memory (``/proc/self/statm``), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def memory_budget() -> int:
    """80% of what this process may use: the cgroup's ``memory.max``, else physical RAM."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < total:
            total = int(text)
    return int(total * 0.8)


class Admission:
    """The store's admission hook: checks a transaction's changes, then charges them."""

    def __init__(self, store: Any, limits: Limits, clock: Callable[[], float], memory: Callable[[], int] = resident_bytes) -> None:
        self.store = store
        self.limits = limits
        self.clock = clock
        self.memory = memory
        self._high_water = limits.memory_high_water_bytes
        self.participants = TokenBuckets(limits.participant_bytes_per_minute, clock)
        self.addresses = TokenBuckets(limits.address_bytes_per_minute, clock)
        self._memory_at = -math.inf
        self._memory = 0
        self.refused = 0

    def __call__(self, undo: Sequence[tuple[Any, str, Any]]) -> None:
        address = _client.get()
        if address is None:  # not a client's request (start-up, background tasks)
            return
        by_owner: dict[int | None, int] = {}
        total = 0
        seen: set[int] = set()
        for row, name, old in undo:
            if row._store is None:  # inserted, then undone by a savepoint
                continue
            if old is self.store.ADDED:
                if id(row) in seen:
                    continue
                seen.add(id(row))
                size = ROW_BYTES + sum(self._value(row, column) for column in row.columns)
            else:
                size = self._value(row, name)
            owner = self._owner(row)
            by_owner[owner] = by_owner.get(owner, 0) + size
            total += size
        if not total:
            return
        self._check_memory()
        limits = self.limits
        for owner, size in by_owner.items():
            if owner is not None and limits.participant_bytes_per_minute:
                wait = self.participants.shortfall(owner, size)
                if wait:
                    self._refuse(f"participant {owner} stored more than {limits.participant_bytes_per_minute} bytes in a minute", 429, wait)
        loopback = is_loopback(address)
        if limits.address_bytes_per_minute and not loopback:
            wait = self.addresses.shortfall(address, total)
            if wait:
                self._refuse(f"client {address} stored more than {limits.address_bytes_per_minute} bytes in a minute", 429, wait)
        for owner, size in by_owner.items():
            if owner is not None and limits.participant_bytes_per_minute:
                self.participants.take(owner, size)
        if limits.address_bytes_per_minute and not loopback:
            self.addresses.take(address, total)

    def _value(self, row: Any, column: str) -> int:
        size = value_bytes(getattr(row, column, None))
        limit = self.limits.max_value_bytes
        if limit and size > limit:
            self._refuse(f"{row.table}.{column} is {size} bytes, more than the {limit} allowed", 413, None)
        return size

    def _owner(self, row: Any) -> int | None:
        table = row.table
        if table == "participant":
            return row.id
        owner = getattr(row, "participant_id", None)
        if owner is not None or table in ("node", "question", "notification"):
            return owner
        node_id = getattr(row, "origin_id", None) or getattr(row, "node_id", None)
        node = self.store.get("node", node_id) if node_id is not None else None
        return getattr(node, "participant_id", None) if node is not None else None

    def _check_memory(self) -> None:
        now = self.clock()
        if now - self._memory_at >= MEMORY_PROBE_INTERVAL:
            self._memory, self._memory_at = self.memory(), now
        if self._memory > self.high_water:
            self._refuse(f"the server is low on memory ({self._memory} bytes in use, high-water mark {self.high_water})", 503, 30)

    @property
    def high_water(self) -> int:
        """The memory high-water mark in bytes (computed once when the setting is 0: automatic)."""
        if not self._high_water:
            self._high_water = memory_budget()
        return self._high_water

    def _refuse(self, message: str, status: int, wait: float | None) -> None:
        self.refused += 1
        raise Refused(message, status, None if wait is None else max(1, math.ceil(wait)))


def install(store: Any, limits: Limits, clock: Callable[[], float]) -> Admission:
    """Check every client write to ``store`` against ``limits``."""
    admission = Admission(store, limits, clock)
    store.admission = admission
    return admission
