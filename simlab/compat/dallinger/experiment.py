"""``dallinger.experiment``: the Experiment base class, route decorators, and what the module re-exports."""

from __future__ import annotations

import inspect
import logging
from typing import Any

from ...domain import (
    Agent,
    Compression,
    Empty,
    Environment,
    Experiment,
    Gene,
    Info,
    Meme,
    Mutation,
    Network,
    Node,
    Participant,
    Replication,
    Response,
    Source,
    State,
    Transformation,
    Vector,
)
from ...domain.context import current_experiment
from ..config import LOCAL_CONFIG, get_config
from ..routes import experiment_route, scheduled_task
from ..surface import module_getattr
from . import db, models, recruiters
from .db import get_mapped_class, get_polymorphic_mapping, init_db
from .experiment_server.utils import date_handler
from .utils import classproperty, struct_to_html

logger = logging.getLogger("dallinger.experiment")


def is_experiment_class(cls: Any) -> bool:
    return inspect.isclass(cls) and issubclass(cls, Experiment) and cls is not Experiment


def load() -> type:
    """The experiment class being served (Dallinger's loader of the experiment package's class)."""
    exp = current_experiment()
    if exp is None:
        raise ImportError("dallinger.experiment.load(): no experiment is being served by simlab")
    return type(exp)


__getattr__ = module_getattr(__name__)

__all__ = [
    "LOCAL_CONFIG",
    "Agent",
    "Compression",
    "Empty",
    "Environment",
    "Experiment",
    "Gene",
    "Info",
    "Meme",
    "Mutation",
    "Network",
    "Node",
    "Participant",
    "Replication",
    "Response",
    "Source",
    "State",
    "Transformation",
    "Vector",
    "classproperty",
    "date_handler",
    "db",
    "experiment_route",
    "get_config",
    "get_mapped_class",
    "get_polymorphic_mapping",
    "init_db",
    "is_experiment_class",
    "load",
    "logger",
    "models",
    "recruiters",
    "scheduled_task",
    "struct_to_html",
]
