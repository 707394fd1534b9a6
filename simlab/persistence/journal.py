"""Durable state for ``simlab serve``: a journal that group-commits the store to SQLite.

The store tells the journal which rows each transaction touched.  One writer
task takes everything pending, encodes it on the event loop (so no thread ever
reads a row while a request changes it), and writes it in one SQLite
transaction in a worker thread (``trio.to_thread``).  A request that wrote
something is answered only once the batch holding its write is committed:
``wait_durable`` parks it until then.  While one batch is being written, the
next one gathers, so throughput grows with concurrency (group commit).

When a batch cannot be written (disk full, read-only, I/O error), nothing
that was not made durable stays visible: every change since the last durable
batch is reverted in the store (its ids stay used, and the next durable batch
records them in the file so a restart does not hand them out again), every
request that made one, or answered from a state holding one, gets a 503 that
names the cause, and the writer goes on: writes succeed again as soon as the
cause goes away, with no restart.  A response waits not only for its own
writes but for every write it could have seen (``visible_seq``).
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
from ..store.records import ROW_CLASSES
from ..store import sqlite as db_file
from ..errors import JournalFailed

logger = logging.getLogger("simlab.persistence.journal")

#: The journal sequence number of the last commit made by the current task (request).
_last_commit: contextvars.ContextVar[int] = contextvars.ContextVar("simlab_last_commit", default=0)


class Journal:
    """Collects the store's committed rows and writes them to SQLite in batches."""

    def __init__(self, db: sqlite3.Connection, store: GraphStore | None = None) -> None:
        self.db = db
        self.store = store
        self._pending: dict[int, Row] = {}
        self._seq = 0
        self._durable = 0
        #: undo entries of each commit not yet durable, by sequence number (in order)
        self._undo: dict[int, list[Any]] = {}
        #: (after, upto, cause): commits after..upto were reverted (never durable)
        self._reverted: list[tuple[int, int, str]] = []
        #: the last commit reverted: the store holds no trace of it or of any before it not durable
        self._settled = 0
        self._changed = trio.Event()
        self._flushed = trio.Event()
        self._closed = False
        self._running = False
        self._stopped = trio.Event()
        #: the cause of the last failed batch while writes fail, else None
        self.error: str | None = None
        self.batches = 0
        self.rows_written = 0
        self.failed_batches = 0

    # called synchronously by the store, inside the request that made the change
    def on_commit(self, rows: Sequence[Row]) -> None:
        for row in rows:
            self._pending[id(row)] = row
        self._seq += 1
        _last_commit.set(self._seq)
        self._changed.set()

    def on_undo(self, undo: list[Any]) -> None:
        """The undo entries of the commit ``on_commit`` just heard (kept until it is durable)."""
        self._undo[self._seq] = undo

    def request_needs_wait(self) -> int:
        """The sequence number this task must wait for (0 when it wrote nothing)."""
        seq = _last_commit.get()
        return seq if seq > self._durable else 0

    def visible_seq(self) -> int:
        """The last commit a response made now could show (0 when all of it is durable)."""
        return self._seq if self._seq > max(self._durable, self._settled) else 0

    def _reverted_cause(self, seq: int) -> str | None:
        for after, upto, cause in reversed(self._reverted):
            if after < seq <= upto:
                return cause
            if upto < seq:
                return None
        return None

    async def wait_durable(self, *seqs: int) -> None:
        """Return once every commit up to ``max(seqs)`` is on disk; raise if one was reverted."""
        while True:
            for seq in seqs:
                cause = self._reverted_cause(seq) if seq > self._durable else None
                if cause is not None:
                    raise JournalFailed(cause)
            if all(seq <= self._durable for seq in seqs):
                return
            await self._flushed.wait()

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
            batch = [(row.table, db_file.encode(row)) for row in rows if getattr(row, "_store", None) is not None]
            last_ids = self._last_ids()
            try:
                written = await trio.to_thread.run_sync(db_file.write, self.db, batch, last_ids)
            except Exception as exc:  # disk full, read-only, I/O error: revert, refuse, go on
                self._fail(db_file.failure_cause(exc))
                continue
            if self.error is not None:
                logger.warning("journal writes resumed (the last failure was: %s)", self.error)
                self.error = None
            self.batches += 1
            self.rows_written += written
            self._durable = seq
            for done in [k for k in self._undo if k <= seq]:
                del self._undo[done]
            self._wake()

    def _last_ids(self) -> dict[str, int] | None:
        if self.store is None:
            return None
        return {table: self.store.last_id(table) for table in ROW_CLASSES if self.store.last_id(table)}

    def _fail(self, cause: str) -> None:
        """Revert every change not yet durable and fail the requests waiting on them."""
        self.failed_batches += 1
        if self.error is None or self.failed_batches % 100 == 1:
            logger.error("journal write failed: %s; the changes not yet durable are reverted, writes answer 503", cause)
        self.error = cause
        if self.store is not None:
            undo = [entry for k in sorted(self._undo) if k > self._durable for entry in self._undo[k]]
            self.store.revert(undo)
        self._undo.clear()
        self._pending = {}
        after, upto = self._durable, self._seq
        self._settled = upto
        if self._reverted and self._reverted[-1][0] == after:
            self._reverted[-1] = (after, upto, cause)  # still failing since the same durable point
        else:
            self._reverted.append((after, upto, cause))
            del self._reverted[:-1000]
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
        if self._pending:
            batch = [(row.table, db_file.encode(row)) for row in self._pending.values() if getattr(row, "_store", None) is not None]
            self._pending = {}
            try:
                await trio.to_thread.run_sync(db_file.write, self.db, batch, self._last_ids())
            except Exception as exc:
                logger.error("journal: the last batch could not be written at shutdown: %s", db_file.failure_cause(exc))
        self.db.close()


def open_durable_store(data_dir: Path, experiment_class: type[Experiment]) -> tuple[GraphStore, Journal, int]:
    """Load the store saved in ``data_dir`` (or start an empty one) and attach a journal.

    Returns the store, its journal, and how many rows were loaded.
    """
    db = db_file.connect(Path(data_dir) / db_file.FILE_NAME)
    store = GraphStore()
    loaded = db_file.load(db, store, class_resolver(experiment_class))
    journal = Journal(db, store)
    store.listeners.append(journal.on_commit)
    store.undo_listeners.append(journal.on_undo)
    return store, journal, loaded


__all__ = ["Journal", "JournalFailed", "open_durable_store"]
