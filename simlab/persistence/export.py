"""Export a store in the layouts researchers' analysis code already reads.

* Dallinger's ``dallinger export`` zip (spec section 10): ``data/<table>.csv`` for
  its nine tables, with its column names and order and PostgreSQL's CSV value
  formats (``t``/``f``, timestamps with a space, NULL as an empty field, an empty
  string as ``""``, JSON as text), plus ``experiment_id.md``.
* oTree-style wide CSVs of sessions and participants, each var as a column
  (``participant.<var>``, ``session.<var>``), as oTree exports its
  ``PARTICIPANT_FIELDS``/``SESSION_FIELDS``.

``snapshot`` reads the store (call it on the event loop); ``write_zip`` does the
file work (call it in a thread).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..store import DALLINGER_TABLES, ROW_CLASSES, GraphStore
from ..domain.otree.sessions import otree_status
from ..store.records import ParticipantRow

Table = tuple[Sequence[str], list[Sequence[Any]]]


def dallinger_columns(table: str) -> Sequence[str]:
    """Dallinger's column list for ``table`` (spec section 10)."""
    if table == "participant":
        return ParticipantRow.dallinger_columns
    return ROW_CLASSES[table].columns


#: Dallinger 12.4.0's NOT NULL columns that have a default (models.py): a NULL here would
#: make ``dallinger.data.bootstrap_db_from_zip`` fail, so an export writes the default.
#: ``"*"`` is every table (SharedMixin).  NOT NULL columns without a default (worker_id,
#: question.number, notification.event_type, ...) are always set by the domain.
NOT_NULL_DEFAULTS: dict[tuple[str, str], Any] = {
    ("*", "failed"): False,
    ("*", "details"): {},
    ("participant", "entry_information"): {},
    ("participant", "status"): "working",
    ("network", "max_size"): 1_000_000,
    ("network", "full"): False,
    ("network", "role"): "default",
    ("transmission", "status"): "pending",
    ("vector", "type"): "vector",
}


def column_defaults(table: str, columns: Sequence[str]) -> list[Any]:
    """Per column of ``table``: the value a NULL is exported as (None: stays NULL)."""
    return [NOT_NULL_DEFAULTS.get((table, c), NOT_NULL_DEFAULTS.get(("*", c))) for c in columns]


def pg_value(value: Any) -> str | None:
    """A value as PostgreSQL's ``COPY ... CSV`` prints it (None stays None: NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def pg_csv_line(values: Iterable[str | None]) -> str:
    """One CSV line the way PostgreSQL writes it: NULL empty, an empty string quoted."""
    fields = []
    for value in values:
        if value is None:
            fields.append("")
        elif value == "" or value == "\\." or any(c in value for c in ',"\n\r'):
            fields.append('"' + value.replace('"', '""') + '"')
        else:
            fields.append(value)
    return ",".join(fields) + "\n"


def snapshot(store: GraphStore) -> dict[str, Table]:
    """Every exported table as (columns, rows of CSV values), read from ``store``.

    Values are converted here, on the caller's thread, so a later write can run
    in a worker thread while the store changes.
    """
    tables: dict[str, Table] = {}
    for table in DALLINGER_TABLES:
        columns = dallinger_columns(table)
        pairs = list(zip(columns, column_defaults(table, columns)))
        rows = [[pg_value(_or_default(getattr(row, c), d)) for c, d in pairs] for row in store.rows(table)]
        tables[f"data/{table}.csv"] = (columns, rows)
    for name, (columns, rows) in otree_tables(store).items():
        tables[name] = (columns, [[pg_value(v) for v in row] for row in rows])
    return tables


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


def otree_tables(store: GraphStore) -> dict[str, Table]:
    """oTree-style ``otree/sessions.csv`` and ``otree/participants.csv``."""
    sessions = store.rows("session")
    by_code = {s.code: s for s in sessions}
    session_vars = sorted({k for s in sessions for k in (s.vars or {})})
    config_keys = ("participation_fee", "real_world_currency_per_point")
    s_columns = [
        "session.code",
        "session.label",
        "session.config.name",
        "session.num_participants",
        "session.is_demo",
        "session.created_at",
        "session.room_name",
        *(f"session.config.{k}" for k in config_keys),
        *(f"session.{k}" for k in session_vars),
    ]
    s_rows = [
        [
            s.code,
            s.label,
            s.config_name,
            s.num_participants,
            s.is_demo,
            s.created_at,
            s.room_name,
            *((s.config or {}).get(k) for k in config_keys),
            *((s.vars or {}).get(k) for k in session_vars),
        ]
        for s in sessions
    ]
    members = [p for p in store.rows("participant") if p.session_code is not None]
    p_vars = sorted({k for p in members for k in (p.vars or {})})
    p_columns = [
        "participant.id_in_session",
        "participant.code",
        "participant.label",
        "participant.visited",
        "participant.payoff",
        "participant.status",
        "participant.dallinger_id",
        *(f"participant.{k}" for k in p_vars),
        "session.code",
        "session.label",
        "session.is_demo",
        "session.config.name",
    ]
    p_rows = []
    for p in members:
        session = by_code.get(p.session_code)
        p_rows.append(
            [
                p.id_in_session,
                p.code,
                p.label,
                p.visited,
                p.payoff,
                otree_status(p),
                p.id,
                *((p.vars or {}).get(k) for k in p_vars),
                p.session_code,
                session.label if session else None,
                session.is_demo if session else None,
                session.config_name if session else None,
            ]
        )
    return {"otree/sessions.csv": (s_columns, s_rows), "otree/participants.csv": (p_columns, p_rows)}


def render(tables: dict[str, Table]) -> dict[str, str]:
    """CSV text of each table (header line, then rows)."""
    out = {}
    for name, (columns, rows) in tables.items():
        lines = [pg_csv_line(columns)]
        lines.extend(pg_csv_line(row) for row in rows)
        out[name] = "".join(lines)
    return out


def write_zip(tables: dict[str, Table], target: Path | io.BytesIO, experiment_id: str = "simlab") -> None:
    """Write the export zip of ``tables`` (from ``snapshot``) to ``target``."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in render(tables).items():
            archive.writestr(name, text)
        archive.writestr("experiment_id.md", experiment_id + "\n")


def export_zip_bytes(tables: dict[str, Table], experiment_id: str = "simlab") -> bytes:
    buffer = io.BytesIO()
    write_zip(tables, buffer, experiment_id)
    return buffer.getvalue()
