"""Row classes: the columns of Dallinger's tables, with change tracking.

A row is a plain slotted object.  Once a row belongs to a store, every assignment
to one of its columns is reported to the store (``GraphStore._changed``), which is
the single place where indexes, undo logs and the durable journal learn about
mutations.  The domain subclasses these rows to add Dallinger's model behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .graph import GraphStore

_set = object.__setattr__

SHARED_COLUMNS: tuple[str, ...] = (
    "id",
    "creation_time",
    "property1",
    "property2",
    "property3",
    "property4",
    "property5",
    "failed",
    "failed_reason",
    "time_of_death",
    "details",
)


class Row:
    """Columns every Dallinger table shares (SharedMixin), in export order."""

    __slots__ = SHARED_COLUMNS + ("_store",)

    table: ClassVar[str] = ""
    #: Export column order (spec section 10); subclasses extend it.
    columns: ClassVar[tuple[str, ...]] = SHARED_COLUMNS
    column_set: ClassVar[frozenset[str]] = frozenset(SHARED_COLUMNS)
    #: Columns a constructor keyword may set.
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.column_set = frozenset(cls.columns)

    def _init_columns(self, values: dict[str, Any]) -> None:
        """Set every column from ``values`` or its default, bypassing change tracking."""
        _set(self, "_store", None)
        _set(self, "id", values.pop("id", None))
        _set(self, "creation_time", values.pop("creation_time", None))
        _set(self, "failed", values.pop("failed", False))
        _set(self, "failed_reason", values.pop("failed_reason", None))
        _set(self, "time_of_death", values.pop("time_of_death", None))
        details = values.pop("details", None)
        _set(self, "details", {} if details is None else details)
        for name in ("property1", "property2", "property3", "property4", "property5"):
            _set(self, name, values.pop(name, None))
        for name, default in self._defaults.items():
            value = values.pop(name, default)
            _set(self, name, value() if callable(default) and value is default else value)
        for name, value in values.items():
            if name not in self.column_set:
                raise TypeError(f"{type(self).__name__} has no column {name!r}")
            _set(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        store: GraphStore | None = self._store
        if store is None or name not in self.column_set:
            _set(self, name, value)
            return
        old = getattr(self, name)
        _set(self, name, value)
        if old is not value:
            store._changed(self, name, old)

    def touch(self) -> None:
        """Report an in-place change (e.g. to ``details``) so it is journaled."""
        if self._store is not None:
            self._store._changed(self, "details", self.details)

    def __repr__(self) -> str:
        return f"{type(self).__name__}-{self.id}-{getattr(self, 'type', self.table)}"


class ParticipantRow(Row):
    __slots__ = (
        "type",
        "fingerprint_hash",
        "recruiter_id",
        "worker_id",
        "assignment_id",
        "unique_id",
        "hit_id",
        "mode",
        "end_time",
        "base_pay",
        "bonus",
        "entry_information",
        "status",
        # oTree side of the same participant (sessions, rooms, vars)
        "code",
        "label",
        "vars",
        "session_code",
        "id_in_session",
        "payoff",
        "visited",
    )
    table = "participant"
    columns = SHARED_COLUMNS + __slots__
    #: The columns of Dallinger's own participant table (its export).
    dallinger_columns = columns[: columns.index("status") + 1]
    _defaults = {
        "type": "participant",
        "fingerprint_hash": None,
        "recruiter_id": None,
        "worker_id": None,
        "assignment_id": None,
        "unique_id": None,
        "hit_id": None,
        "mode": None,
        "end_time": None,
        "base_pay": None,
        "bonus": None,
        "entry_information": None,
        "status": "working",
        "code": None,
        "label": None,
        "vars": dict,
        "session_code": None,
        "id_in_session": None,
        "payoff": 0.0,
        "visited": False,
    }


class QuestionRow(Row):
    __slots__ = ("type", "participant_id", "number", "question", "response")
    table = "question"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"type": "question", "participant_id": None, "number": None, "question": None, "response": None}


class NetworkRow(Row):
    __slots__ = ("type", "max_size", "full", "role")
    table = "network"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"type": "network", "max_size": 1_000_000, "full": False, "role": "default"}


class NodeRow(Row):
    __slots__ = ("type", "network_id", "participant_id")
    table = "node"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"type": "node", "network_id": None, "participant_id": None}


class VectorRow(Row):
    __slots__ = ("type", "origin_id", "destination_id", "network_id")
    table = "vector"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"type": "vector", "origin_id": None, "destination_id": None, "network_id": None}


class InfoRow(Row):
    __slots__ = ("type", "origin_id", "network_id", "contents")
    table = "info"
    columns = SHARED_COLUMNS + ("type", "origin_id", "network_id", "contents", "complete")
    _defaults = {"type": "info", "origin_id": None, "network_id": None, "contents": None}

    @property
    def complete(self) -> bool:
        """True once contents is set (Dallinger keeps this as a column)."""
        return self.contents is not None


class TransmissionRow(Row):
    __slots__ = ("vector_id", "info_id", "origin_id", "destination_id", "network_id", "receive_time", "status")
    table = "transmission"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {
        "vector_id": None,
        "info_id": None,
        "origin_id": None,
        "destination_id": None,
        "network_id": None,
        "receive_time": None,
        "status": "pending",
    }


class TransformationRow(Row):
    __slots__ = ("type", "info_in_id", "info_out_id", "node_id", "network_id")
    table = "transformation"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"type": "transformation", "info_in_id": None, "info_out_id": None, "node_id": None, "network_id": None}


class NotificationRow(Row):
    __slots__ = ("assignment_id", "event_type")
    table = "notification"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"assignment_id": None, "event_type": None}


class SessionRow(Row):
    """An oTree session: a config, its participants (participant rows) and its vars."""

    __slots__ = (
        "code",
        "label",
        "config_name",
        "config",
        "num_participants",
        "vars",
        "created_at",
        "is_demo",
        "room_name",
        "join_code",
    )
    table = "session"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {
        "code": None,
        "label": None,
        "config_name": None,
        "config": dict,
        "num_participants": 0,
        "vars": dict,
        "created_at": None,
        "is_demo": False,
        "room_name": None,
        "join_code": None,
    }


class RoomRow(Row):
    """The state of an oTree room: its current session and vars posted for labels not yet arrived."""

    __slots__ = ("name", "session_code", "pending_vars")
    table = "room"
    columns = SHARED_COLUMNS + __slots__
    _defaults = {"name": None, "session_code": None, "pending_vars": dict}


#: Dallinger's exported tables, in export order (spec section 10).
DALLINGER_TABLES: tuple[str, ...] = (
    "info",
    "network",
    "node",
    "notification",
    "participant",
    "question",
    "transformation",
    "transmission",
    "vector",
)

ROW_CLASSES: dict[str, type[Row]] = {
    cls.table: cls
    for cls in (
        ParticipantRow,
        QuestionRow,
        NetworkRow,
        NodeRow,
        VectorRow,
        InfoRow,
        TransmissionRow,
        TransformationRow,
        NotificationRow,
        SessionRow,
        RoomRow,
    )
}
