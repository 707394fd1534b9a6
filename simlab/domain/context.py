"""Which experiment the current code runs for: Dallinger's implicit globals, made explicit.

Dallinger experiments reach their state through module globals (``db.session``,
``get_config()``) and build experiments with no arguments (``MCMCP()`` inside a
route).  simlab keeps one store per app instead, so the app marks every request
with its experiment here (a ``ContextVar``, so two apps in one process never see
each other's), and the compatibility layer reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_current: ContextVar[Any] = ContextVar("simlab_current_experiment", default=None)


def current_experiment() -> Any:
    """The experiment the running code serves, or None outside any.

    Worker threads started with ``trio.to_thread`` inherit it (trio copies the context).
    """
    return _current.get()


@contextmanager
def serving(experiment: Any) -> Iterator[Any]:
    """Mark the code inside the block as running for ``experiment``."""
    token = _current.set(experiment)
    try:
        yield experiment
    finally:
        _current.reset(token)


def enter(experiment: Any) -> Any:
    """Make ``experiment`` current until ``leave(token)`` (for a span that is not one block)."""
    return _current.set(experiment)


def leave(token: Any) -> None:
    _current.reset(token)
