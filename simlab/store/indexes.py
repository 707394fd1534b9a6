"""The store's indexes: what each table's rows are filed under, kept right on every change.

``IndexedTables`` is the half of ``GraphStore`` that knows Dallinger's relations:
for each table, ``_index_<table>(row, +1/-1)`` files a row in (or out of) its
indexes, and ``_on_<table>_change(row, column, old)`` moves it when a column it
is filed under changes.  Rollback uses the same methods, so indexes never drift
from the rows.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx


class NodeIndex:
    __slots__ = (
        "infos",
        "out_vectors",
        "in_vectors",
        "out_trans",
        "in_trans",
        "pending_in",
        "received",
        "transformations",
    )

    def __init__(self) -> None:
        self.infos: list[Any] = []
        self.out_vectors: list[Any] = []
        self.in_vectors: list[Any] = []
        self.out_trans: list[Any] = []
        self.in_trans: list[Any] = []
        self.pending_in: dict[int, Any] = {}
        #: info id -> how many received, non-failed incoming transmissions carried it
        self.received: dict[int, int] = {}
        self.transformations: list[Any] = []


class NetworkIndex:
    __slots__ = ("nodes", "alive", "failed", "pending_infos", "completed_infos", "failed_infos")

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.alive = 0
        self.failed = 0
        self.pending_infos = 0
        self.completed_infos = 0
        self.failed_infos = 0


def _info_bucket(failed: bool, contents: object) -> str:
    if failed:
        return "failed_infos"
    return "pending_infos" if contents is None else "completed_infos"


class IndexedTables:
    """Index maintenance for GraphStore (a mixin: GraphStore owns ``graph``)."""

    graph: nx.MultiDiGraph

    def _init_indexes(self) -> None:
        self._node_ix: dict[int, NodeIndex] = {}
        self._network_ix: dict[int, NetworkIndex] = {}
        self._open_networks: dict[int, Any] = {}
        self._participant_nodes: dict[int, list[Any]] = {}
        self._participant_questions: dict[int, list[Any]] = {}
        self._by_worker: dict[str, list[Any]] = {}
        self._by_assignment: dict[str, list[Any]] = {}
        self._status_counts: Counter[str] = Counter()
        # info id -> its transmissions / transformations, only for infos that have some
        # (most infos have none; two empty lists each would cost 112 bytes per info)
        self._info_trans: dict[int, list[Any]] = {}
        self._info_transformations: dict[int, list[Any]] = {}
        self._vector_trans: dict[int, list[Any]] = {}
        self._participant_by_code: dict[str, Any] = {}
        self._session_participants: dict[str, list[Any]] = {}
        self._session_by_code: dict[str, Any] = {}
        self._session_by_join_code: dict[str, Any] = {}
        self._room_by_name: dict[str, Any] = {}

    def _index_participant(self, row: Any, sign: int) -> None:
        if sign > 0:
            self._participant_nodes[row.id] = []
            self._participant_questions[row.id] = []
            self._by_worker.setdefault(row.worker_id, []).append(row)
            self._by_assignment.setdefault(row.assignment_id, []).append(row)
            self._status_counts[row.status] += 1
            self._index_otree_participant(row, None, None)
        else:
            del self._participant_nodes[row.id]
            del self._participant_questions[row.id]
            _remove(self._by_worker, row.worker_id, row)
            _remove(self._by_assignment, row.assignment_id, row)
            self._status_counts[row.status] -= 1
            self._unindex_otree_participant(row, row.code, row.session_code)

    def _index_otree_participant(self, row: Any, old_code: Any, old_session: Any) -> None:
        if row.code is not None:
            self._participant_by_code[row.code] = row
        if row.session_code is not None:
            self._session_participants.setdefault(row.session_code, []).append(row)

    def _unindex_otree_participant(self, row: Any, code: Any, session_code: Any) -> None:
        if code is not None and self._participant_by_code.get(code) is row:
            del self._participant_by_code[code]
        if session_code is not None:
            _remove(self._session_participants, session_code, row)

    def _on_participant_change(self, row: Any, name: str, old: Any) -> None:
        if name == "status":
            self._status_counts[old] -= 1
            self._status_counts[row.status] += 1
        elif name == "worker_id":
            _remove(self._by_worker, old, row)
            self._by_worker.setdefault(row.worker_id, []).append(row)
        elif name == "assignment_id":
            _remove(self._by_assignment, old, row)
            self._by_assignment.setdefault(row.assignment_id, []).append(row)
        elif name == "code":
            self._unindex_otree_participant(row, old, None)
            if row.code is not None:
                self._participant_by_code[row.code] = row
        elif name == "session_code":
            self._unindex_otree_participant(row, None, old)
            if row.session_code is not None:
                self._session_participants.setdefault(row.session_code, []).append(row)

    def _index_question(self, row: Any, sign: int) -> None:
        questions = self._participant_questions[row.participant_id]
        if sign > 0:
            questions.append(row)
        else:
            questions.remove(row)

    def _index_network(self, row: Any, sign: int) -> None:
        if sign > 0:
            self._network_ix[row.id] = NetworkIndex()
            if not row.full:
                self._open_networks[row.id] = row
        else:
            del self._network_ix[row.id]
            self._open_networks.pop(row.id, None)

    def _on_network_change(self, row: Any, name: str, old: Any) -> None:
        if name == "full":
            if row.full:
                self._open_networks.pop(row.id, None)
            else:
                self._open_networks[row.id] = row

    def _index_node(self, row: Any, sign: int) -> None:
        net = self._network_ix[row.network_id]
        field = "failed" if row.failed else "alive"
        if sign > 0:
            self._node_ix[row.id] = NodeIndex()
            self.graph.add_node(row.id)
            net.nodes.append(row)
            if row.participant_id is not None:
                self._participant_nodes[row.participant_id].append(row)
        else:
            del self._node_ix[row.id]
            self.graph.remove_node(row.id)
            net.nodes.remove(row)
            if row.participant_id is not None:
                self._participant_nodes[row.participant_id].remove(row)
        setattr(net, field, getattr(net, field) + sign)

    def _on_node_change(self, row: Any, name: str, old: Any) -> None:
        if name == "failed" and bool(old) != bool(row.failed):
            net = self._network_ix[row.network_id]
            step = 1 if row.failed else -1
            net.failed += step
            net.alive -= step

    def _index_vector(self, row: Any, sign: int) -> None:
        if sign > 0:
            self._node_ix[row.origin_id].out_vectors.append(row)
            self._node_ix[row.destination_id].in_vectors.append(row)
            self._vector_trans[row.id] = []
            if not row.failed:
                self.graph.add_edge(row.origin_id, row.destination_id, key=row.id)
        else:
            self._node_ix[row.origin_id].out_vectors.remove(row)
            self._node_ix[row.destination_id].in_vectors.remove(row)
            del self._vector_trans[row.id]
            if not row.failed:
                self.graph.remove_edge(row.origin_id, row.destination_id, key=row.id)

    def _on_vector_change(self, row: Any, name: str, old: Any) -> None:
        if name == "failed" and bool(old) != bool(row.failed):
            if row.failed:
                self.graph.remove_edge(row.origin_id, row.destination_id, key=row.id)
            else:
                self.graph.add_edge(row.origin_id, row.destination_id, key=row.id)

    def _index_info(self, row: Any, sign: int) -> None:
        net = self._network_ix[row.network_id]
        bucket = _info_bucket(row.failed, row.contents)
        setattr(net, bucket, getattr(net, bucket) + sign)
        if sign > 0:
            self._node_ix[row.origin_id].infos.append(row)
        else:
            self._node_ix[row.origin_id].infos.remove(row)
            self._info_trans.pop(row.id, None)
            self._info_transformations.pop(row.id, None)

    def _on_info_change(self, row: Any, name: str, old: Any) -> None:
        if name in ("failed", "contents"):
            net = self._network_ix[row.network_id]
            before = _info_bucket(old if name == "failed" else row.failed, old if name == "contents" else row.contents)
            after = _info_bucket(row.failed, row.contents)
            if before != after:
                setattr(net, before, getattr(net, before) - 1)
                setattr(net, after, getattr(net, after) + 1)

    def _index_transmission(self, row: Any, sign: int) -> None:
        origin = self._node_ix[row.origin_id]
        destination = self._node_ix[row.destination_id]
        if sign > 0:
            origin.out_trans.append(row)
            destination.in_trans.append(row)
            self._info_trans.setdefault(row.info_id, []).append(row)
            self._vector_trans[row.vector_id].append(row)
            if row.status == "pending" and not row.failed:
                destination.pending_in[row.id] = row
            _count_received(destination.received, row.info_id, row.status, row.failed, +1)
        else:
            origin.out_trans.remove(row)
            destination.in_trans.remove(row)
            _remove(self._info_trans, row.info_id, row)
            self._vector_trans[row.vector_id].remove(row)
            destination.pending_in.pop(row.id, None)
            _count_received(destination.received, row.info_id, row.status, row.failed, -1)

    def _on_transmission_change(self, row: Any, name: str, old: Any) -> None:
        if name in ("status", "failed"):
            ix = self._node_ix[row.destination_id]
            if row.status == "pending" and not row.failed:
                ix.pending_in[row.id] = row
            else:
                ix.pending_in.pop(row.id, None)
            status, failed = (old, row.failed) if name == "status" else (row.status, old)
            _count_received(ix.received, row.info_id, status, failed, -1)
            _count_received(ix.received, row.info_id, row.status, row.failed, +1)

    def _index_transformation(self, row: Any, sign: int) -> None:
        if sign > 0:
            self._node_ix[row.node_id].transformations.append(row)
            self._info_transformations.setdefault(row.info_in_id, []).append(row)
            if row.info_out_id != row.info_in_id:
                self._info_transformations.setdefault(row.info_out_id, []).append(row)
        else:
            self._node_ix[row.node_id].transformations.remove(row)
            _remove(self._info_transformations, row.info_in_id, row)
            if row.info_out_id != row.info_in_id:
                _remove(self._info_transformations, row.info_out_id, row)

    def _index_notification(self, row: Any, sign: int) -> None:
        pass

    def _index_session(self, row: Any, sign: int) -> None:
        for index, key in ((self._session_by_code, row.code), (self._session_by_join_code, row.join_code)):
            if key is None:
                continue
            if sign > 0:
                index[key] = row
            else:
                index.pop(key, None)

    def _index_room(self, row: Any, sign: int) -> None:
        if sign > 0:
            self._room_by_name[row.name] = row
        else:
            self._room_by_name.pop(row.name, None)


def by_id(row: Any) -> int:
    return row.id


def _count_received(received: dict[int, int], info_id: int, status: str, failed: bool, step: int) -> None:
    """Keep ``received`` (info id -> live received transmissions) right after a change."""
    if status != "received" or failed:
        return
    count = received.get(info_id, 0) + step
    if count:
        received[info_id] = count
    else:
        del received[info_id]


def _remove(index: dict[Any, list[Any]], key: Any, row: Any) -> None:
    rows = index.get(key)
    if rows is not None:
        rows.remove(row)
        if not rows:
            del index[key]
