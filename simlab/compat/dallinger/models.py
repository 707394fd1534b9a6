"""``dallinger.models``: the model classes (simlab's own, so rows made either way are one kind)."""

from datetime import datetime

from ...domain import Info, Network, Node, Notification, Participant, Question, Transformation, Transmission, Vector
from ...domain.base import Model as SharedMixin


def timenow() -> datetime:
    """Dallinger's timestamp: local naive time."""
    return datetime.now()


__all__ = [
    "Info",
    "Network",
    "Node",
    "Notification",
    "Participant",
    "Question",
    "SharedMixin",
    "Transformation",
    "Transmission",
    "Vector",
    "timenow",
]
