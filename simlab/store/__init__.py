"""The in-memory graph store: Dallinger's tables as rows on a networkx graph.

Sans-IO: this package imports networkx and the standard library only.
"""

from __future__ import annotations

from .graph import MAX_ID, GraphStore
from .records import (
    DALLINGER_TABLES,
    ROW_CLASSES,
    InfoRow,
    NetworkRow,
    NodeRow,
    NotificationRow,
    ParticipantRow,
    QuestionRow,
    RoomRow,
    Row,
    SessionRow,
    TransformationRow,
    TransmissionRow,
    VectorRow,
)

__all__ = [
    "DALLINGER_TABLES",
    "MAX_ID",
    "ROW_CLASSES",
    "GraphStore",
    "InfoRow",
    "NetworkRow",
    "NodeRow",
    "NotificationRow",
    "ParticipantRow",
    "QuestionRow",
    "RoomRow",
    "Row",
    "SessionRow",
    "TransformationRow",
    "TransmissionRow",
    "VectorRow",
]
