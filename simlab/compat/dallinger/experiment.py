"""``dallinger.experiment``: the Experiment base class and route decorators."""

from __future__ import annotations

import inspect
from typing import Any

from ...domain import Experiment
from ..routes import experiment_route, scheduled_task


def is_experiment_class(cls: Any) -> bool:
    return inspect.isclass(cls) and issubclass(cls, Experiment) and cls is not Experiment


__all__ = ["Experiment", "experiment_route", "is_experiment_class", "scheduled_task"]
