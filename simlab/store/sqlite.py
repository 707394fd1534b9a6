"""The durable copy of a store: one SQLite table per row class (synchronous, stdlib only).

Tables mirror Dallinger's (same names and columns) plus oTree's sessions and
rooms.  Writes are whole-row upserts, batched one transaction per call; that is
what the journal writer runs in a worker thread.  ``load`` rebuilds a store from
the file, so ids continue where they stopped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import bulk
from .graph import GraphStore
from .records import ROW_CLASSES, Row

JSON_COLUMNS = frozenset({"details", "entry_information", "vars", "config", "pending_vars"})
TIME_COLUMNS = frozenset({"creation_time", "time_of_death", "end_time", "receive_time"})
BOOL_COLUMNS = frozenset({"failed", "full", "is_demo", "visited", "complete"})

#: Parents before children, so each loaded row finds what it indexes under.
LOAD_ORDER = (
    "participant",
    "network",
    "session",
    "room",
    "node",
    "vector",
    "info",
    "transmission",
    "transformation",
    "question",
    "notification",
)

FILE_NAME = "simlab.sqlite3"


def _quote(name: str) -> str:
    return '"' + name + '"'


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` in WAL mode with every table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    for table, cls in ROW_CLASSES.items():
        cols = ", ".join(f"{_quote(c)}" + (" INTEGER PRIMARY KEY" if c == "id" else "") for c in cls.columns)
        db.execute(f"CREATE TABLE IF NOT EXISTS {_quote(table)} ({cols})")
    return db


def encode(row: Row) -> tuple[Any, ...]:
    """The row's column values as SQLite values (JSON text, ISO times, 0/1)."""
    out = []
    for name in row.columns:
        value = getattr(row, name)
        if value is None:
            out.append(None)
        elif name in JSON_COLUMNS:
            out.append(json.dumps(value))
        elif isinstance(value, datetime):
            out.append(value.isoformat(" "))
        elif isinstance(value, bool):
            out.append(int(value))
        else:
            out.append(value)
    return tuple(out)


def decode(table: str, names: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in zip(names, values):
        if name == "complete":
            continue
        if value is not None:
            if name in JSON_COLUMNS:
                value = json.loads(value)
            elif name in TIME_COLUMNS:
                value = datetime.fromisoformat(value)
            elif name in BOOL_COLUMNS:
                value = bool(value)
        row[name] = value
    return row


def write(db: sqlite3.Connection, batch: Iterable[tuple[str, tuple[Any, ...]]]) -> int:
    """Upsert ``(table, encoded row)`` pairs in one transaction; returns how many."""
    by_table: dict[str, list[tuple[Any, ...]]] = {}
    for table, values in batch:
        by_table.setdefault(table, []).append(values)
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, rows in by_table.items():
            columns = ROW_CLASSES[table].columns
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(_quote(c) for c in columns)
            db.executemany(f"INSERT OR REPLACE INTO {_quote(table)} ({names}) VALUES ({marks})", rows)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return sum(len(rows) for rows in by_table.values())


ClassFor = Callable[[str, dict[str, Any]], type]

#: How many rows ``load_steps`` builds between two progress reports.
CHUNK = 20_000


def table_columns(db: sqlite3.Connection, table: str) -> list[str]:
    """The columns ``table`` has in the file that its row class knows (``complete`` is derived)."""
    known = ROW_CLASSES[table].column_set
    return [r[1] for r in db.execute(f"PRAGMA table_info({_quote(table)})") if r[1] in known and r[1] != "complete"]


def estimated_rows(db: sqlite3.Connection) -> int:
    """About how many rows ``load`` will read: the highest id of each table (an index lookup)."""
    total = 0
    for table in LOAD_ORDER:
        total += db.execute(f"SELECT max(id) FROM {_quote(table)}").fetchone()[0] or 0
    return total


def load_steps(db: sqlite3.Connection, store: GraphStore, class_for: ClassFor, chunk: int = CHUNK) -> Iterator[int]:
    """Add every stored row to ``store`` (which must be empty), yielding the count so far.

    Rows are built in bulk (``bulk.row_builder``) and filed table by table,
    parents first; each yield is a point where a server may answer requests
    (``/health``'s progress) before the next chunk.  ``class_for(table, values)``
    chooses each row's class (the domain maps the ``type`` column to the
    experiment's classes).
    """
    count = 0
    with bulk.collection_paused():
        for table in LOAD_ORDER:
            names = table_columns(db, table)
            build = bulk.row_builder(store, table, names, class_for)
            cursor = db.execute(f"SELECT {', '.join(_quote(n) for n in names)} FROM {_quote(table)} ORDER BY id")
            while values := cursor.fetchmany(chunk):
                bulk.file_rows(store, table, build(values))
                count += len(values)
                yield count


def load(db: sqlite3.Connection, store: GraphStore, class_for: ClassFor) -> int:
    """Add every stored row to ``store`` (which must be empty); returns how many."""
    count = 0
    for count in load_steps(db, store, class_for):
        pass
    return count
