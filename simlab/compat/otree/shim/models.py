"""oTree's model base classes, as apps subclass them (``class Player(BasePlayer)``)."""

from __future__ import annotations


class BaseSubsession:
    pass


class BaseGroup:
    pass


class BasePlayer:
    pass
