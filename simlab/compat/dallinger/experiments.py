"""``dallinger.experiments``: ``Experiment``, and experiments by class name.

Dallinger fills this module from the ``dallinger.experiments`` entry points of
installed packages (what its cookiecutter template's ``setup.py`` registers).
simlab resolves ``dallinger.experiments.<Name>`` to the experiment of that
class name it has loaded (the served folder's, first), else to an installed
entry point of that name.
"""

from __future__ import annotations

import logging
from collections import deque
from importlib.metadata import entry_points
from typing import Any

from ...domain import Experiment
from ...domain.context import current_experiment
from ..surface import AbsentName, missing_message

logger = logging.getLogger("dallinger.experiments")

experiments_entry_points = entry_points(group="dallinger.experiments")


def _loaded(name: str) -> type | None:
    served = current_experiment()
    if served is not None and type(served).__name__ == name:
        return type(served)
    pending, found = deque(Experiment.__subclasses__()), None
    while pending:
        cls = pending.popleft()
        if cls.__name__ == name:
            found = cls  # ``__subclasses__`` lists in creation order: the newest of that name wins
        pending.extend(cls.__subclasses__())
    return found


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    found = _loaded(name)
    if found is not None:
        return found
    for entry_point in experiments_entry_points:
        if entry_point.name == name:
            try:
                return entry_point.load()
            except ImportError as exc:
                raise AbsentName(f"dallinger.experiments.{name}: its entry point {entry_point.value} failed to import: {exc}") from exc
    raise AbsentName(missing_message("dallinger.experiments", name))


__all__ = ["Experiment", "experiments_entry_points", "logger"]
