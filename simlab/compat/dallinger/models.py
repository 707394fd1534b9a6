"""``dallinger.models``: the model classes (simlab's own, so rows made either way are one kind)."""

from datetime import datetime

from ...domain import Info, Network, Node, Notification, Participant, Question, Transformation, Transmission, Vector
from ...domain.base import Model as SharedMixin
from ..surface import module_getattr

#: Dallinger's timestamp format in JSON.
DATETIME_FMT = "%Y-%m-%dT%H:%M:%S.%f"


def timenow() -> datetime:
    """Dallinger's timestamp: local naive time."""
    return datetime.now()


__getattr__ = module_getattr(__name__)

__all__ = [
    "DATETIME_FMT",
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
