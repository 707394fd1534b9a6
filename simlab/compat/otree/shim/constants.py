"""oTree's ``BaseConstants``: ``C`` reads its names upper-case, the older ``Constants`` lower-case."""

from __future__ import annotations

from typing import Any


class BaseConstants:
    @classmethod
    def get_normalized(cls, attr: str) -> Any:
        if cls.__name__ == "C":
            return getattr(cls, attr.upper())
        return getattr(cls, attr)
