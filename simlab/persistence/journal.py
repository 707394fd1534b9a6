"""Durable state for ``simlab serve``: a journal that group-commits the store to SQLite.

The store tells the journal which rows each transaction touched.  One writer
task takes everything pending, encodes it on the event loop (so no thread ever
reads a row while a request changes it), and writes it in one SQLite
transaction in a worker thread (``trio.to_thread``).  A request that wrote
something is answered only once the batch holding its write is committed:
``wait_durable`` parks it until then.  While one batch is being written, the
next one gathers, so throughput grows with concurrency (group commit).
"""

from __future__ import annotations

import contextvars
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import trio

from ..domain import Experiment
from ..domain.classes import class_resolver
from ..store import GraphStore, Row
from ..store import sqlite as db_file
from ..errors import JournalFailed

logger = logging.getLogger("simlab.persistence.journal")

#: The journal sequence number of the last commit made by the current task (request).
_last_commit: contextvars.ContextVar[int] = contextvars.ContextVar("simlab_last_commit", default=0)


class Journal:
    """Collects the store's committed rows and writes them to SQLite in batches."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._pending: dict[int, Row] = {}
        self._seq = 0
        self._durable = 0
        self._changed = trio.Event()
        self._flushed = trio.Event()
        self._closed = False
        self._running = False
        self._stopped = trio.Event()
        self.error: BaseException | None = None
        self.batches = 0
        self.rows_written = 0

    # called synchronously by the store, inside the request that made the change
    def on_commit(self, rows: Sequence[Row]) -> None:
        for row in rows:
            self._pending[id(row)] = row
        self._seq += 1
        _last_commit.set(self._seq)
        self._changed.set()

    def request_needs_wait(self) -> int:
        """The sequence number this task must wait for (0 when it wrote nothing)."""
        seq = _last_commit.get()
        return seq if seq > self._durable else 0

    async def wait_durable(self, seq: int) -> None:
        """Return once every commit up to ``seq`` is on disk; raise if writing failed."""
        while self._durable < seq:
            if self.error is not None:
                raise JournalFailed(str(self.error))
            await self._flushed.wait()
        if self.error is not None and self._durable < seq:
            raise JournalFailed(str(self.error))

    async def run(self) -> None:
        """The writer task: flush whatever is pending, one batch at a time, until closed."""
        self._running = True
        try:
            await self._write_batches()
        finally:
            self._running = False
            self._stopped.set()

    async def _write_batches(self) -> None:
        while True:
            if not self._pending:
                if self._closed:
                    return
                await self._changed.wait()
                self._changed = trio.Event()
                continue
            seq = self._seq
            rows, self._pending = list(self._pending.values()), {}
            batch = [(row.table, db_file.encode(row)) for row in rows]
            try:
                written = await trio.to_thread.run_sync(db_file.write, self.db, batch)
            except Exception as exc:  # disk full, I/O error: stop acknowledging writes
                logger.exception("journal write failed")
                self.error = exc
                self._wake()
                return
            self.batches += 1
            self.rows_written += written
            self._durable = seq
            self._wake()

    def _wake(self) -> None:
        flushed, self._flushed = self._flushed, trio.Event()
        flushed.set()

    async def close(self) -> None:
        """Flush what is pending and close the database.

        A running writer drains the queue and stops by itself (so two threads never
        write at once); without one, the last batch is written here.
        """
        self._closed = True
        self._changed.set()
        if self._running:
            await self._stopped.wait()
        if self._pending and self.error is None:
            batch = [(row.table, db_file.encode(row)) for row in self._pending.values()]
            self._pending = {}
            await trio.to_thread.run_sync(db_file.write, self.db, batch)
        self.db.close()


def open_durable_store(data_dir: Path, experiment_class: type[Experiment]) -> tuple[GraphStore, Journal, int]:
    """Load the store saved in ``data_dir`` (or start an empty one) and attach a journal.

    Returns the store, its journal, and how many rows were loaded.
    """
    db = db_file.connect(Path(data_dir) / db_file.FILE_NAME)
    store = GraphStore()
    loaded = db_file.load(db, store, class_resolver(experiment_class))
    journal = Journal(db)
    store.listeners.append(journal.on_commit)
    return store, journal, loaded


__all__ = ["Journal", "JournalFailed", "open_durable_store"]
