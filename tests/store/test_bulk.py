"""The bulk loader leaves a store exactly as adding every row one by one would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simlab.domain.classes import class_resolver
from simlab.store import GraphStore
from simlab.store import sqlite as db_file
from simlab import Info
from tests.store.study import Memo, Study, make_study


def ids(rows: Any) -> list[int]:
    return [r.id for r in rows]


def dump(store: GraphStore) -> dict[str, Any]:
    """Every row's columns and every index, with rows replaced by their ids."""
    out: dict[str, Any] = {}
    for table, rows in store._rows.items():
        out[table] = {i: (type(r).__name__, [getattr(r, c) for c in r.columns]) for i, r in rows.items()}
    out["last_id"] = dict(store._last_id)
    out["edges"] = sorted(store.graph.edges(keys=True))
    out["graph_nodes"] = sorted(store.graph.nodes)
    out["node_ix"] = {
        n: {slot: (ids(getattr(ix, slot)) if isinstance(getattr(ix, slot), list) else dict(getattr(ix, slot)))
            for slot in ix.__slots__ if slot != "pending_in"} | {"pending_in": sorted(ix.pending_in)}
        for n, ix in store._node_ix.items()
    }
    out["net_ix"] = {n: {s: getattr(ix, s) if s != "nodes" else ids(ix.nodes) for s in ix.__slots__} for n, ix in store._network_ix.items()}
    out["open"] = sorted(store._open_networks)
    for name in ("_participant_nodes", "_participant_questions", "_by_worker", "_by_assignment", "_info_trans",
                 "_info_transformations", "_vector_trans", "_session_participants"):
        out[name] = {k: ids(v) for k, v in getattr(store, name).items()}
    out["status"] = store.status_counts()
    return out


def test_bulk_load_rebuilds_every_row_and_index(tmp_path: Path) -> None:
    exp = make_study()
    db = db_file.connect(tmp_path / "s.sqlite3")
    db_file.write(db, [(t, db_file.encode(r)) for t in db_file.LOAD_ORDER for r in exp.store.rows(t)])
    fresh = GraphStore()
    resolve = class_resolver(Study)
    steps = list(db_file.load_steps(db, fresh, resolve, chunk=3))
    assert steps == sorted(steps) and steps[-1] == sum(exp.store.statistics().values())
    # the same rows added one by one through GraphStore.add, as before the bulk loader
    slow = GraphStore()
    for table in db_file.LOAD_ORDER:
        for row in exp.store.rows(table):
            copy = type(row).__new__(type(row))
            copy._init_columns({c: getattr(row, c) for c in row.columns if c != "complete"})
            slow.add(copy)
    assert dump(fresh) == dump(slow)
    assert isinstance(fresh.get("info", 2), Memo) and fresh.get("info", 2).details == {"k": [1]}
    # loaded rows track changes again: the write-once rule and the journal hooks are back
    seen: list[Any] = []
    fresh.listeners.append(seen.extend)
    fresh.get("participant", 2).status = "approved"
    assert ids(seen) == [2]
    assert "__setattr__" not in Memo.__dict__ and Info.__setattr__ is not object.__setattr__
