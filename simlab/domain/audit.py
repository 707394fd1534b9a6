"""An audit of a store: the invariants simlab promises, recomputed from the rows alone.

Used by the property, concurrency and fuzz tests (and usable on a live server's
store): it never trusts an index, it rebuilds each one from the rows and
compares, then checks Dallinger's model rules.  O(store): not for request paths.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..store import GraphStore


def audit(store: GraphStore) -> list[str]:
    """Every broken invariant of ``store``, as messages (empty: all hold)."""
    problems: list[str] = []
    problems += _ids(store)
    problems += _model_rules(store)
    problems += _indexes(store)
    return problems


def _ids(store: GraphStore) -> list[str]:
    out = []
    for table, rows in store._rows.items():
        ids = list(rows)
        if ids != sorted(ids) or len(set(ids)) != len(ids):
            out.append(f"{table}: ids not strictly increasing in insertion order")
        if ids and max(ids) > store.last_id(table):
            out.append(f"{table}: id {max(ids)} beyond the sequence's last id {store.last_id(table)}")
        for ident, row in rows.items():
            if row.id != ident:
                out.append(f"{table} {ident}: filed under another id ({row.id})")
    return out


def _model_rules(store: GraphStore) -> list[str]:
    out = []
    nodes = store._rows["node"]
    alive: Counter[int] = Counter(n.network_id for n in nodes.values() if not n.failed)
    for net in store._rows["network"].values():
        if alive[net.id] > net.max_size:
            out.append(f"network {net.id}: {alive[net.id]} live nodes > max_size {net.max_size}")
    for v in store._rows["vector"].values():
        if v.failed:
            continue
        for end in (v.origin_id, v.destination_id):
            if end not in nodes or nodes[end].failed:
                out.append(f"vector {v.id}: live, but node {end} is failed or missing")
    for t in store._rows["transmission"].values():
        if t.status not in ("pending", "received"):
            out.append(f"transmission {t.id}: status {t.status!r}")
        if t.status == "received" and t.receive_time is None:
            out.append(f"transmission {t.id}: received without a receive_time")
        if t.receive_time is not None and t.creation_time is not None and t.receive_time < t.creation_time:
            out.append(f"transmission {t.id}: received before it was sent")
        vector = store.get("vector", t.vector_id)
        if vector is None or (vector.origin_id, vector.destination_id) != (t.origin_id, t.destination_id):
            out.append(f"transmission {t.id}: does not travel along its vector {t.vector_id}")
    for node_id in nodes:
        if node_id not in store.graph:
            out.append(f"node {node_id}: missing from the graph")
    return out


def _indexes(store: GraphStore) -> list[str]:
    out = []
    rows = store._rows
    edges = sorted(k for _, _, k in store.graph.edges(keys=True))
    live = sorted(v.id for v in rows["vector"].values() if not v.failed)
    if edges != live:
        out.append(f"graph edges {edges[:10]}... != live vectors {live[:10]}...")
    if sorted(store.graph.nodes) != sorted(rows["node"]):
        out.append("graph vertices != node rows")

    expect: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"infos": [], "out_vectors": [], "in_vectors": [], "out_trans": [], "in_trans": [],
                 "pending_in": [], "received": Counter(), "transformations": []}
    )
    for i in rows["info"].values():
        expect[i.origin_id]["infos"].append(i.id)
    for v in rows["vector"].values():
        expect[v.origin_id]["out_vectors"].append(v.id)
        expect[v.destination_id]["in_vectors"].append(v.id)
    for t in rows["transmission"].values():
        expect[t.origin_id]["out_trans"].append(t.id)
        expect[t.destination_id]["in_trans"].append(t.id)
        if t.status == "pending" and not t.failed:
            expect[t.destination_id]["pending_in"].append(t.id)
        if t.status == "received" and not t.failed:
            expect[t.destination_id]["received"][t.info_id] += 1
    for tf in rows["transformation"].values():
        expect[tf.node_id]["transformations"].append(tf.id)
    for node_id in rows["node"]:
        ix, want = store.node_index(node_id), expect[node_id]
        for name in ("infos", "out_vectors", "in_vectors", "out_trans", "in_trans", "transformations"):
            if sorted(r.id for r in getattr(ix, name)) != sorted(want[name]):
                out.append(f"node {node_id}: index {name} disagrees with the rows")
        if sorted(ix.pending_in) != sorted(want["pending_in"]):
            out.append(f"node {node_id}: pending_in disagrees with the rows")
        if dict(ix.received) != dict(want["received"]):
            out.append(f"node {node_id}: received counts disagree with the rows")

    by_net: dict[int, list[Any]] = defaultdict(list)
    infos_by_net: dict[int, list[Any]] = defaultdict(list)
    for n in rows["node"].values():
        by_net[n.network_id].append(n)
    for i in rows["info"].values():
        infos_by_net[i.network_id].append(i)
    for net in rows["network"].values():
        ix = store.network_index(net.id)
        members, infos = by_net[net.id], infos_by_net[net.id]
        counts = {
            "alive": sum(not n.failed for n in members),
            "failed": sum(bool(n.failed) for n in members),
            "pending_infos": sum(not i.failed and i.contents is None for i in infos),
            "completed_infos": sum(not i.failed and i.contents is not None for i in infos),
            "failed_infos": sum(bool(i.failed) for i in infos),
        }
        for name, value in counts.items():
            if getattr(ix, name) != value:
                out.append(f"network {net.id}: index {name}={getattr(ix, name)}, rows say {value}")
        if sorted(n.id for n in ix.nodes) != sorted(n.id for n in members):
            out.append(f"network {net.id}: node list disagrees with the rows")
        if (net.id in store._open_networks) == bool(net.full):
            out.append(f"network {net.id}: open-networks index disagrees with full={net.full}")

    statuses = Counter(p.status for p in rows["participant"].values())
    if store.status_counts() != {s: n for s, n in statuses.items() if n}:
        out.append(f"status counts {store.status_counts()} != rows {dict(statuses)}")
    owned: dict[int, list[int]] = defaultdict(list)
    for n in rows["node"].values():
        if n.participant_id is not None:
            owned[n.participant_id].append(n.id)
    for p in rows["participant"].values():
        if sorted(n.id for n in store.nodes_of_participant(p.id)) != sorted(owned[p.id]):
            out.append(f"participant {p.id}: node index disagrees with the rows")
        if p not in store.participants_by_worker(p.worker_id):
            out.append(f"participant {p.id}: missing from the worker index")
    return out
