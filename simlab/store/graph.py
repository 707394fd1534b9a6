"""GraphStore: Dallinger's tables in memory, on a networkx graph, with indexes.

Nodes are the graph's vertices and live vectors its edges (a ``MultiDiGraph``
keyed by vector id), so neighbour queries are adjacency lookups.  Every other
relation a route needs (a node's infos, its incoming and outgoing transmissions,
its pending ones, a network's nodes and counts...) has its own index, so every
query costs O(result + degree), never O(store).

Every mutation passes through two methods: :meth:`GraphStore.add` for new rows
and :meth:`GraphStore._changed`, which rows call when a column is assigned.
That is where the indexes stay right, where a transaction's undo log is kept
(a failed request leaves no trace) and where listeners such as the durable
journal hear about committed changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import networkx as nx

from .indexes import IndexedTables, NetworkIndex, NodeIndex, by_id
from .records import ROW_CLASSES, Row

_set = object.__setattr__
_ADD = object()

#: Ids beyond this cannot exist (SQLite's and PostgreSQL's bigint limit).
MAX_ID = 2**63 - 1

Listener = Callable[[Sequence[Row]], None]
#: One change a transaction made: (row, column or "" for an insertion, the old value).
UndoEntry = tuple[Any, str, Any]
UndoListener = Callable[[list[UndoEntry]], None]


class GraphStore(IndexedTables):
    """The in-memory state of one experiment server.

    ``admission``, when set, sees each outermost transaction's undo entries
    before it commits and may raise to refuse it (``simlab.domain.admission``).

    Args:
        clock: returns the time stamped on new rows (Dallinger uses local naive time).
    """

    def __init__(self, clock: Callable[[], datetime] = datetime.now) -> None:
        self.now = clock
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._rows: dict[str, dict[int, Any]] = {table: {} for table in ROW_CLASSES}
        self._last_id: dict[str, int] = dict.fromkeys(ROW_CLASSES, 0)
        self._init_indexes()
        self._extra: dict[str, Any] = {}
        self._undo: list[tuple[Any, str, Any]] | None = None
        self._rolling_back = False
        self._dirty: dict[int, Row] = {}
        self.listeners: list[Listener] = []
        #: Hear each committed change's undo entries right after ``listeners`` hear its rows
        #: (the journal keeps them until the change is durable, to revert it if it cannot be).
        self.undo_listeners: list[UndoListener] = []
        self.admission: UndoListener | None = None

    #: The old value undo entries carry for an inserted row.
    ADDED = _ADD

    # ------------------------------------------------------------------ writes

    def add(self, row: Any) -> Any:
        """Insert ``row``: give it the next id of its table and a creation time, index it."""
        table = row.table
        if row.id is None:
            self._last_id[table] += 1
            _set(row, "id", self._last_id[table])
        elif row.id > self._last_id[table]:
            self._last_id[table] = row.id
        if row.creation_time is None:
            _set(row, "creation_time", self.now())
        self._rows[table][row.id] = row
        _set(row, "_store", self)
        getattr(self, "_index_" + table)(row, +1)
        self._log(row, "", _ADD)
        return row

    def _changed(self, row: Any, name: str, old: Any) -> None:
        """Called by a row after one of its columns was assigned."""
        hook = getattr(self, f"_on_{row.table}_change", None)
        if hook is not None:
            hook(row, name, old)
        self._log(row, name, old)

    def _log(self, row: Row, name: str, old: Any) -> None:
        if self._rolling_back:
            return
        if self._undo is not None:
            self._undo.append((row, name, old))
            if self.listeners:
                self._dirty[id(row)] = row
        elif self.listeners:
            for listener in self.listeners:
                listener((row,))
            for undo_listener in self.undo_listeners:
                undo_listener([(row, name, old)])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block atomically: on an exception every change it made is undone.

        Nested blocks join the outermost one.  Listeners hear about the rows the
        block touched once, when the outermost block ends without an exception.
        """
        if self._undo is not None:
            yield
            return
        self._undo = []
        try:
            yield
            if self.admission is not None and self._undo:
                self.admission(self._undo)
        except BaseException:
            self._rollback()
            raise
        else:
            if self._dirty:
                batch = tuple(self._dirty.values())
                self._dirty.clear()
                for listener in self.listeners:
                    listener(batch)
                for undo_listener in self.undo_listeners:
                    undo_listener(self._undo)
        finally:
            self._undo = None
            self._dirty.clear()

    def savepoint(self) -> int | None:
        """A mark of the open transaction's progress (None outside a transaction)."""
        return None if self._undo is None else len(self._undo)

    def rollback_to(self, mark: int) -> None:
        """Undo what the open transaction did after ``savepoint()`` returned ``mark``."""
        undo = self._undo
        if undo is None or mark >= len(undo):
            return
        self._undo = undo[mark:]
        try:
            self._rollback()
        finally:
            self._undo = undo[:mark]
        for key, row in list(self._dirty.items()):
            if row._store is not self:  # its insertion was undone: nothing to journal
                del self._dirty[key]

    def revert(self, undo: Sequence[UndoEntry]) -> None:
        """Undo committed changes (``undo_listeners``' entries, oldest first) as if never made.

        For a journal whose write failed: the rows it could not make durable
        leave the store (their ids stay used) and changed columns get their old
        values back.  Listeners do not hear it; call it outside any transaction.
        """
        if self._undo is not None:
            raise RuntimeError("revert() inside an open transaction")
        self._apply_undo(undo)

    def _rollback(self) -> None:
        self._apply_undo(self._undo or [])

    def _apply_undo(self, undo: Sequence[UndoEntry]) -> None:
        self._rolling_back = True
        try:
            for row, name, old in reversed(undo):
                if old is _ADD:
                    getattr(self, "_index_" + row.table)(row, -1)
                    del self._rows[row.table][row.id]
                    _set(row, "_store", None)
                else:
                    setattr(row, name, old)
        finally:
            self._rolling_back = False

    # ------------------------------------------------------------------- reads

    def get(self, table: str, ident: int | None) -> Any:
        """The row of ``table`` with id ``ident``, or None."""
        return self._rows[table].get(ident) if ident is not None else None

    def rows(self, table: str) -> Sequence[Any]:
        """Every row of ``table`` in id order (for export and digests: O(table))."""
        return list(self._rows[table].values())

    def count(self, table: str) -> int:
        return len(self._rows[table])

    def last_id(self, table: str) -> int:
        return self._last_id[table]

    def skip_ids_to(self, table: str, last_id: int) -> None:
        """Never hand out ids of ``table`` up to ``last_id`` (ids used before a restart)."""
        if last_id > self._last_id[table]:
            self._last_id[table] = last_id

    def node_index(self, node_id: int) -> NodeIndex:
        return self._node_ix[node_id]

    def network_index(self, network_id: int) -> NetworkIndex:
        return self._network_ix[network_id]

    def open_networks(self) -> list[Any]:
        """Networks whose ``full`` is false, by id."""
        return sorted(self._open_networks.values(), key=by_id)

    def nodes_of_participant(self, participant_id: int) -> list[Any]:
        return self._participant_nodes.get(participant_id, [])

    def questions_of(self, participant_id: int) -> list[Any]:
        return self._participant_questions.get(participant_id, [])

    def participants_by_worker(self, worker_id: str) -> list[Any]:
        return self._by_worker.get(worker_id, [])

    def participants_by_assignment(self, assignment_id: str) -> list[Any]:
        return self._by_assignment.get(assignment_id, [])

    def status_counts(self) -> dict[str, int]:
        return {status: n for status, n in self._status_counts.items() if n}

    def participant_by_code(self, code: str) -> Any:
        return self._participant_by_code.get(code)

    def participants_of_session(self, session_code: str) -> list[Any]:
        """A session's participants, in creation order (their ``id_in_session`` order)."""
        return self._session_participants.get(session_code, [])

    def session_by_code(self, code: str) -> Any:
        return self._session_by_code.get(code)

    def session_by_join_code(self, join_code: str) -> Any:
        return self._session_by_join_code.get(join_code)

    def room(self, name: str) -> Any:
        return self._room_by_name.get(name)

    def transmissions_of_info(self, info_id: int) -> list[Any]:
        return self._info_trans.get(info_id, [])

    def transformations_of_info(self, info_id: int) -> list[Any]:
        return self._info_transformations.get(info_id, [])

    def transmissions_of_vector(self, vector_id: int) -> list[Any]:
        return self._vector_trans[vector_id]

    def extension(self, name: str, factory: Callable[[], Any]) -> Any:
        """Per-store state owned by another module (e.g. oTree sessions), made on first use."""
        try:
            return self._extra[name]
        except KeyError:
            value = self._extra[name] = factory()
            return value

    def statistics(self) -> dict[str, int]:
        """Row counts per table."""
        return {table: len(rows) for table, rows in self._rows.items()}
