"""oTree's form widgets (``widgets.RadioSelect``...): names only, as simlab renders no forms."""

from __future__ import annotations

from typing import Any


class Widget:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs


RadioSelect = type("RadioSelect", (Widget,), {})
RadioSelectHorizontal = type("RadioSelectHorizontal", (Widget,), {})
CheckboxInput = type("CheckboxInput", (Widget,), {})
Slider = type("Slider", (Widget,), {})


def __getattr__(name: str) -> Any:
    if name[:1].isupper():
        return type(name, (Widget,), {})
    raise AttributeError(name)
