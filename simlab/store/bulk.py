"""Rebuild a store from stored rows in bulk: what a restart runs instead of ``GraphStore.add``.

``GraphStore.add`` does per-request work for every row (an id, a clock read, the
undo log, listener calls, one index method).  A restart loads 10^6 rows, so here
each table gets a row builder compiled once for the file's column list (one
slot store per column, decoding only the columns that need it), and the two big
tables (infos, transmissions) are filed into their indexes by one tight loop
per chunk.  The indexes end up exactly as ``add`` would leave them
(``tests/store/test_bulk.py`` compares the two).  Garbage collection is paused
while the rows are built: 10^6 new objects would otherwise trigger repeated
full collections.  ``benchmarks/restart.py`` measures it against a plain read.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from .graph import GraphStore
from .records import ROW_CLASSES

#: Column kinds that need decoding from their SQLite form (shared with ``sqlite.py``).
JSON_COLUMNS = frozenset({"details", "entry_information", "vars", "config", "pending_vars"})
TIME_COLUMNS = frozenset({"creation_time", "time_of_death", "end_time", "receive_time"})
BOOL_COLUMNS = frozenset({"failed", "full", "is_demo", "visited"})

ClassFor = Callable[[str, dict[str, Any]], type]
Builder = Callable[[Sequence[tuple[Any, ...]]], list[Any]]


def _value_code(name: str, index: int) -> str:
    """Python source decoding column ``name`` found at ``v[index]``."""
    if name in JSON_COLUMNS:
        # most stored dicts are empty: a fresh {} costs far less than a json.loads call
        default = "None" if name == "entry_information" else "{}"
        return f"({default} if v[{index}] is None else {{}} if v[{index}] == '{{}}' else loads(v[{index}]))"
    if name in TIME_COLUMNS:
        return f"(None if v[{index}] is None else iso(v[{index}]))"
    if name in BOOL_COLUMNS:
        return f"(v[{index}] == 1)"
    return f"v[{index}]"


def row_builder(store: GraphStore, table: str, names: Sequence[str], class_for: ClassFor) -> Builder:
    """A function turning SELECTed tuples (columns ``names``) into rows of ``store``.

    The function's source is generated from the row class's own column names
    (checked to be identifiers): one plain attribute store per column, no
    per-column loop; columns absent from the file get the class's defaults.
    While it runs, each row class it builds has ``object.__setattr__`` as its
    ``__setattr__`` (restored before it returns), so a store costs what a slot
    store costs instead of a call into ``Row.__setattr__``'s change tracking,
    which has nothing to track before a row is in the store.
    """
    row_class = ROW_CLASSES[table]
    for name in names:
        if not name.isidentifier() or name not in row_class.column_set:
            raise ValueError(f"table {table!r} has no column {name!r}")
    classes = _PatchedClasses(table, class_for)
    defaults = _missing_defaults(row_class, names)
    pick = f"classes[v[{names.index('type')}]]" if "type" in names else "classes[None]"
    lines = [
        "def build(chunk):",
        "    out = []",
        "    append = out.append",
        "    try:",
        "        for v in chunk:",
        f"            r = new({pick})",
        "            r._store = store",
    ]
    lines += [f"            r.{name} = {_value_code(name, index)}" for index, name in enumerate(names)]
    lines += [f"            r.{name} = defaults[{name!r}]()" for name in defaults]
    lines += ["            append(r)", "    finally:", "        classes.restore()", "    return out"]
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "store": store,
        "iso": datetime.fromisoformat,
        "loads": json.loads,
        "classes": classes,
        "defaults": defaults,
    }
    exec("\n".join(lines), namespace)  # noqa: S102 - source built above from checked identifiers
    build: Builder = namespace["build"]
    return build


class _PatchedClasses(dict[Any, type]):
    """``type`` value -> row class, each given ``object.__setattr__`` until ``restore``."""

    _MISSING = object()

    def __init__(self, table: str, class_for: ClassFor) -> None:
        super().__init__()
        self.table = table
        self.class_for = class_for
        self.saved: dict[type, Any] = {}

    def __missing__(self, identity: Any) -> type:
        cls = self.class_for(self.table, {} if identity is None else {"type": identity})
        if cls not in self.saved:
            self.saved[cls] = cls.__dict__.get("__setattr__", self._MISSING)
            cls.__setattr__ = object.__setattr__  # type: ignore[assignment]
        self[identity] = cls
        return cls

    def restore(self) -> None:
        for cls, original in self.saved.items():
            if original is self._MISSING:
                del cls.__setattr__
            else:
                cls.__setattr__ = original  # type: ignore[assignment]
        self.saved.clear()
        self.clear()


def _missing_defaults(row_class: type, names: Sequence[str]) -> dict[str, Callable[[], Any]]:
    """Makers of the default value of every column of ``row_class`` not in ``names``."""
    given = set(names)
    out: dict[str, Callable[[], Any]] = {}
    shared = {"failed": False, "failed_reason": None, "time_of_death": None, "details": dict, "creation_time": None}
    shared.update({f"property{i}": None for i in range(1, 6)})
    shared.update(getattr(row_class, "_defaults", {}))
    for name in row_class.columns:
        if name in given or name == "complete" or name == "id":
            continue
        default = shared.get(name)
        out[name] = default if callable(default) else (lambda value=default: value)
    return out


def file_rows(store: GraphStore, table: str, rows: list[Any]) -> None:
    """Put freshly built ``rows`` of ``table`` (in id order) into the store and its indexes."""
    if not rows:
        return
    by_id = store._rows[table]
    if table == "info":
        _file_infos(store, rows)
    elif table == "transmission":
        _file_transmissions(store, rows)
    else:
        index = getattr(store, "_index_" + table)
        for row in rows:
            by_id[row.id] = row
            index(row, +1)
    last = rows[-1].id
    if last > store._last_id[table]:
        store._last_id[table] = last


def _file_infos(store: GraphStore, rows: list[Any]) -> None:
    by_id = store._rows["info"]
    node_ix = store._node_ix
    buckets: dict[tuple[int, str], int] = {}
    for row in rows:
        by_id[row.id] = row
        node_ix[row.origin_id].infos.append(row)
        key = (row.network_id, "failed_infos" if row.failed else "pending_infos" if row.contents is None else "completed_infos")
        buckets[key] = buckets.get(key, 0) + 1
    for (network_id, bucket), count in buckets.items():
        net = store._network_ix[network_id]
        setattr(net, bucket, getattr(net, bucket) + count)


def _file_transmissions(store: GraphStore, rows: list[Any]) -> None:
    by_id = store._rows["transmission"]
    node_ix = store._node_ix
    info_trans = store._info_trans
    vector_trans = store._vector_trans
    for row in rows:
        ident = row.id
        by_id[ident] = row
        destination = node_ix[row.destination_id]
        node_ix[row.origin_id].out_trans.append(row)
        destination.in_trans.append(row)
        carried = info_trans.get(row.info_id)
        if carried is None:
            info_trans[row.info_id] = [row]
        else:
            carried.append(row)
        vector_trans[row.vector_id].append(row)
        if not row.failed:
            if row.status == "pending":
                destination.pending_in[ident] = row
            elif row.status == "received":
                received = destination.received
                received[row.info_id] = received.get(row.info_id, 0) + 1


@contextmanager
def collection_paused(*, freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector (restored afterwards) while many objects are made.

    With ``freeze``, everything alive at the end moves to the permanent generation
    before the collector is back, so it never scans those objects (a collection
    of 10^6 young objects would otherwise follow at once).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
