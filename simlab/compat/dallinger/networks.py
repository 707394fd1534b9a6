"""``dallinger.networks``: the network topologies."""

from ...domain import (
    Agent,
    Burst,
    Chain,
    DelayedChain,
    DiscreteGenerational,
    Empty,
    FullyConnected,
    Network,
    ScaleFree,
    SequentialMicrosociety,
    Source,
    SplitSampleNetwork,
    Star,
)
from ..surface import module_getattr

__getattr__ = module_getattr(__name__)

__all__ = [
    "Agent",
    "Source",
    "Burst",
    "Chain",
    "DelayedChain",
    "DiscreteGenerational",
    "Empty",
    "FullyConnected",
    "Network",
    "ScaleFree",
    "SequentialMicrosociety",
    "SplitSampleNetwork",
    "Star",
]
