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
]
