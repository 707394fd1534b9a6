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
#: The experiment of the process when only one is served (``simlab serve``), for
#: code that runs outside any request (threads, background tasks).
_process_default: list[Any] = [None]


def current_experiment() -> Any:
    """The experiment the running code serves, or None outside any."""
    exp = _current.get()
    return exp if exp is not None else _process_default[0]


@contextmanager
def serving(experiment: Any) -> Iterator[Any]:
    """Mark the code inside the block as running for ``experiment``."""
    token = _current.set(experiment)
    try:
        yield experiment
    finally:
        _current.reset(token)


def enter(experiment: Any) -> Any:
    """Mark the rest of the current context as running for ``experiment`` (returns a token)."""
    return _current.set(experiment)


def set_process_default(experiment: Any) -> None:
    """Make ``experiment`` the one code outside any request serves (one per process)."""
    _process_default[0] = experiment
