"""Which class a stored row becomes: Dallinger's polymorphic identities, resolved.

A row's ``type`` column names its class's polymorphic identity (``"agent"``,
``"chain"``...).  The candidates are simlab's model classes and every subclass
the experiment file defined, found through ``__subclasses__`` (no registry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..store import ROW_CLASSES
from .base import subclasses
from .infos import Info, Transformation
from .networks import Network
from .nodes import Node
from .participants import Notification, Question
from .vectors import Transmission, Vector


def table_roots(experiment_class: Any) -> dict[str, type]:
    """The model class of each Dallinger table (the experiment's participant class for ``participant``)."""
    return {
        "participant": experiment_class.participant_constructor,
        "question": Question,
        "network": Network,
        "node": Node,
        "vector": Vector,
        "info": Info,
        "transformation": Transformation,
        "transmission": Transmission,
        "notification": Notification,
    }


def polymorphic_mapping(root: type) -> dict[str, type]:
    """``{polymorphic identity: class}`` for ``root`` and every subclass declaring an identity."""
    found: dict[str, type] = {}
    for cls in subclasses(root):
        if getattr(cls, "_declares_identity", False) or cls is root:
            found[cls.polymorphic_identity] = cls
    return found


def class_resolver(experiment_class: Any) -> Callable[[str, dict[str, Any]], type]:
    """``f(table, values) -> class`` for loading rows of ``experiment_class``'s store."""
    roots = table_roots(experiment_class)
    by_identity = {table: polymorphic_mapping(root) for table, root in roots.items()}

    def resolve(table: str, values: dict[str, Any]) -> type:
        root = roots.get(table)
        if root is None:
            return ROW_CLASSES[table]
        return by_identity[table].get(values.get("type") or "", root)

    return resolve
