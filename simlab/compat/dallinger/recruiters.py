"""``dallinger.recruiters``: the recruiter classes experiments name or subclass.

simlab's recruiters recruit locally (hot air, bots); the MTurk and Prolific ones
keep those platforms' completion rules but contact no service.
"""

from __future__ import annotations

import logging
from typing import Any

from ...domain.context import current_experiment
from ...domain import Participant
from ...domain.recruiters import (
    NEW_RECRUIT_LOG_PREFIX,
    RECRUITERS,
    BotRecruiter,
    CLIRecruiter,
    DevProlificRecruiter,
    MTurkLargeRecruiter,
    MTurkRecruiter,
    ProlificRecruiter,
    Recruiter,
    SimulatedRecruiter,
    recruiter_class,
)
from ..config import get_config
from ..surface import module_getattr
from .db import redis_conn, session
from .utils import generate_random_id, get_base_url

logger = logging.getLogger("dallinger.recruiters")

#: Dallinger's name for the default (debug) recruiter.
HotAirRecruiter = Recruiter

CLOSE_RECRUITMENT_LOG_PREFIX = "Close recruitment."

#: Dallinger 4.x-6.x's table of recruiter classes by nickname.
BY_NAME = RECRUITERS


def _served() -> Any:
    exp = current_experiment()
    if exp is None:
        raise RuntimeError("recruiters are looked up for an experiment served by simlab")
    return exp


def by_name(name: str) -> Recruiter | None:
    """The served experiment's recruiter of that nickname (``hotair``, ``bots``, an own subclass...)."""
    cls = recruiter_class(name)
    return _served()._recruiter(cls) if cls is not None else None


def from_config(config: Any = None) -> Recruiter:
    """The recruiter the configuration names (``recruiter``, else the debug recruiter in debug mode)."""
    return _served().recruiter


def for_experiment(experiment: Any) -> Recruiter:
    """The recruiter of ``experiment``."""
    return experiment.recruiter


__getattr__ = module_getattr(__name__)

__all__ = [
    "BY_NAME",
    "CLOSE_RECRUITMENT_LOG_PREFIX",
    "Participant",
    "generate_random_id",
    "get_base_url",
    "redis_conn",
    "session",
    "NEW_RECRUIT_LOG_PREFIX",
    "BotRecruiter",
    "CLIRecruiter",
    "DevProlificRecruiter",
    "HotAirRecruiter",
    "MTurkLargeRecruiter",
    "MTurkRecruiter",
    "ProlificRecruiter",
    "Recruiter",
    "SimulatedRecruiter",
    "by_name",
    "for_experiment",
    "from_config",
    "get_config",
    "logger",
]
