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
from .bulk import JSON_COLUMNS
from .graph import GraphStore
from .records import ROW_CLASSES, Row
from ..errors import DataFileError

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
#: simlab's own table: the last id each table handed out, so ids of writes that failed
#: (and were reverted in memory) are not handed out again after a restart.
IDS_TABLE = "simlab_ids"


def _quote(name: str) -> str:
    return '"' + name + '"'


#: ``PRAGMA application_id`` of simlab's files ("SIML"): tells a simlab file from a foreign one.
APPLICATION_ID = 0x53494D4C


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` in WAL mode with every table.

    Raises ``DataFileError`` naming the file when it is not SQLite, is corrupt,
    or is some other program's database (unknown tables or columns).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    except sqlite3.Error as exc:
        raise DataFileError(f"{path}: cannot open: {exc}") from None
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        _check_schema(db, path)
        for table, cls in ROW_CLASSES.items():
            cols = ", ".join(f"{_quote(c)}" + (" INTEGER PRIMARY KEY" if c == "id" else "") for c in cls.columns)
            db.execute(f"CREATE TABLE IF NOT EXISTS {_quote(table)} ({cols})")
        db.execute(f"CREATE TABLE IF NOT EXISTS {IDS_TABLE} (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL)")
        if db.execute("PRAGMA application_id").fetchone()[0] == 0:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    except sqlite3.DatabaseError as exc:
        db.close()
        raise DataFileError(f"{path} is not a usable simlab database: {exc}") from None
    except DataFileError:
        db.close()
        raise
    return db


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database another program made: a foreign application id, unknown tables or columns."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id not in (0, APPLICATION_ID):
        raise DataFileError(f"{path} is not a simlab database (application id {app_id:#x})")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        if table == IDS_TABLE:
            continue
        cls = ROW_CLASSES.get(table)
        if cls is None:
            raise DataFileError(f"{path} is not a simlab database (it has a table {table!r})")
        extra = [r[1] for r in db.execute(f"PRAGMA table_info({_quote(table)})") if r[1] not in cls.column_set]
        if extra:
            raise DataFileError(f"{path} is not a simlab database (table {table!r} has a column {extra[0]!r})")


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


def write(db: sqlite3.Connection, batch: Iterable[tuple[str, tuple[Any, ...]]], last_ids: dict[str, int] | None = None) -> int:
    """Upsert ``(table, encoded row)`` pairs (and the ``last_ids`` high-water marks) in one transaction.

    Returns how many rows.  On failure nothing of the batch is in the file and
    the original error is raised (SQLite may have rolled back by itself, e.g.
    on a full disk: no second error hides the first).
    """
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
        if last_ids:
            db.executemany(f"INSERT OR REPLACE INTO {IDS_TABLE} (name, last_id) VALUES (?, ?)", sorted(last_ids.items()))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the first error is the one to report
        raise
    return sum(len(rows) for rows in by_table.values())


def failure_cause(exc: BaseException) -> str:
    """Why a write failed, in words an operator acts on: disk full, read-only, I/O error..."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    errno = getattr(exc, "errno", None)
    if name.startswith("SQLITE_FULL") or errno == 28:
        cause = "disk full"
    elif name.startswith("SQLITE_READONLY") or errno in (30, 13):
        cause = "read-only (file system or permissions)"
    elif name.startswith("SQLITE_IOERR") or errno == 5:
        cause = "I/O error"
    elif name.startswith("SQLITE_CANTOPEN"):
        cause = "cannot open the database file"
    elif name.startswith("SQLITE_CORRUPT"):
        cause = "database file corrupt"
    else:
        cause = "write failed"
    detail = f"{name}: {exc}" if name else f"{type(exc).__name__}: {exc}"
    return f"{cause} ({detail})"


def saved_last_ids(db: sqlite3.Connection) -> dict[str, int]:
    """The last ids the file records as handed out (``IDS_TABLE``)."""
    return {name: last for name, last in db.execute(f"SELECT name, last_id FROM {IDS_TABLE}") if name in ROW_CLASSES}


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


def load_steps(
    db: sqlite3.Connection, store: GraphStore, class_for: ClassFor, chunk: int = CHUNK, *, frozen: bool = False
) -> Iterator[int]:
    """Add every stored row to ``store`` (which must be empty), yielding the count so far.

    Rows are built in bulk (``bulk.row_builder``) and filed table by table,
    parents first; each yield is a point where a server may answer requests
    (``/health``'s progress) before the next chunk.  ``class_for(table, values)``
    chooses each row's class (the domain maps the ``type`` column to the
    experiment's classes).  ``frozen``: leave the loaded rows out of the
    collector's future scans (``gc.freeze``), for a server that keeps them for
    its whole life; otherwise the first collection afterwards scans them all.
    """
    count = 0
    try:
        with bulk.collection_paused(freeze=frozen):
            for table in LOAD_ORDER:
                names = table_columns(db, table)
                build = bulk.row_builder(store, table, names, class_for)
                cursor = db.execute(f"SELECT {', '.join(_quote(n) for n in names)} FROM {_quote(table)} ORDER BY id")
                while values := cursor.fetchmany(chunk):
                    bulk.file_rows(store, table, build(values))
                    count += len(values)
                    yield count
            for name, last in saved_last_ids(db).items():
                store.skip_ids_to(name, last)
    except sqlite3.DatabaseError as exc:
        raise DataFileError(f"{db_path(db)} cannot be read: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # a value simlab never wrote (hand-edited or foreign rows): say where, not a traceback
        raise DataFileError(f"{db_path(db)}: table {table!r} holds a row simlab cannot load ({type(exc).__name__}: {exc})") from None


def db_path(db: sqlite3.Connection) -> str:
    """The file behind ``db`` (for messages)."""
    return str(db.execute("PRAGMA database_list").fetchone()[2])


def load(db: sqlite3.Connection, store: GraphStore, class_for: ClassFor, *, frozen: bool = False) -> int:
    """Add every stored row to ``store`` (which must be empty); returns how many."""
    count = 0
    for count in load_steps(db, store, class_for, frozen=frozen):
        pass
    return count
