"""``dallinger.information``: info types."""

from ...domain import Gene, Info, Meme, State, TrackingEvent
from ..surface import module_getattr

__getattr__ = module_getattr(__name__)

__all__ = ["Gene", "Info", "Meme", "State", "TrackingEvent"]
