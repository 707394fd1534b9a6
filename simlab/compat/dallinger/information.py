"""``dallinger.information``: info types."""

from ...domain import Gene, Meme, State, TrackingEvent

__all__ = ["Gene", "Meme", "State", "TrackingEvent"]
