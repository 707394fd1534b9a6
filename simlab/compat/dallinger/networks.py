"""``dallinger.networks``: the network topologies."""

from ...domain import (
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

__all__ = [
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
