"""Dallinger (and later oTree) semantics on the graph store.

Sans-IO and synchronous: imports the store and the standard library only, so
each operation is atomic under trio.
"""

from __future__ import annotations

from .experiment import BASE_KNOWN_CLASSES, Experiment
from .infos import (
    Compression,
    Gene,
    Info,
    Meme,
    Mutation,
    Replication,
    Response,
    State,
    TrackingEvent,
    Transformation,
)
from .networks import (
    Burst,
    Chain,
    DelayedChain,
    DiscreteGenerational,
    Empty,
    FullyConnected,
    Network,
    ScaleFree,
    SequentialMicrosociety,
    SplitSampleNetwork,
    Star,
)
from .nodes import Agent, Environment, Node, RandomBinaryStringSource, ReplicatorAgent, Source
from .participants import Notification, Participant, Question
from .vectors import Transmission, Vector

__all__ = [
    "BASE_KNOWN_CLASSES",
    "Agent",
    "Burst",
    "Chain",
    "Compression",
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
    "Source",
    "SplitSampleNetwork",
    "Star",
    "State",
    "TrackingEvent",
    "Transformation",
    "Transmission",
    "Vector",
]
