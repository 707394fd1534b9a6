"""simlab: run Dallinger and oTree studies with bots, and serve small real ones.

Architecture (imports point down only)::

    cli ──▶ engine (bots, stats, reports)  ──HTTP──▶  web (Quart-trio: wire formats, auth)
                                                        └──▶ domain (Dallinger & oTree semantics, sync)
                                                               └──▶ store (networkx graph, indexes, journal)

This module is the public surface for experiment, bot and scenario authors.
"""

from __future__ import annotations

from ._version import __version__
from .config import Settings
from .domain import (
    Agent,
    Burst,
    Chain,
    Compression,
    DelayedChain,
    DiscreteGenerational,
    Empty,
    Environment,
    Experiment,
    FullyConnected,
    Gene,
    Info,
    Meme,
    Mutation,
    Network,
    Node,
    Notification,
    Participant,
    Question,
    RandomBinaryStringSource,
    Replication,
    ReplicatorAgent,
    Response,
    ScaleFree,
    SequentialMicrosociety,
    Source,
    SplitSampleNetwork,
    Star,
    State,
    TrackingEvent,
    Transformation,
    Transmission,
    Vector,
)
from .errors import ConfigError, SimlabError

#: Names of the bot engine re-exported here, imported on first use so that a
#: server process never loads the engine (PEP 562).
_ENGINE_NAMES = (
    "ApiError",
    "Bot",
    "CheckContext",
    "CheckResult",
    "DallingerClient",
    "Events",
    "Limits",
    "NoNetworkAvailable",
    "OTreeClient",
    "Persona",
    "Population",
    "RequestEvent",
    "RetryPolicy",
    "RunOptions",
    "Scenario",
    "StopBot",
    "Thresholds",
    "WaitTime",
    "between",
    "constant",
    "exponential",
    "flow_bot",
    "load_scenario",
    "run_scenario",
    "task",
)


def __getattr__(name: str) -> object:
    if name in _ENGINE_NAMES:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'simlab' has no attribute {name!r}")

__all__ = [
    "Agent",
    "Burst",
    "Chain",
    "Compression",
    "ConfigError",
    "DelayedChain",
    "DiscreteGenerational",
    "Empty",
    "Environment",
    "Experiment",
    "FullyConnected",
    "Gene",
    "Info",
    "Meme",
    "Mutation",
    "Network",
    "Node",
    "Notification",
    "Participant",
    "Question",
    "RandomBinaryStringSource",
    "Replication",
    "ReplicatorAgent",
    "Response",
    "ScaleFree",
    "SequentialMicrosociety",
    "Settings",
    "SimlabError",
    "Source",
    "SplitSampleNetwork",
    "Star",
    "State",
    "TrackingEvent",
    "Transformation",
    "Transmission",
    "Vector",
    "__version__",
    *_ENGINE_NAMES,
]
