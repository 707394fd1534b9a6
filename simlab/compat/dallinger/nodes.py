"""``dallinger.nodes``: node types."""

from ...domain import Agent, Environment, Node, RandomBinaryStringSource, ReplicatorAgent, Source

__all__ = ["Agent", "Environment", "Node", "RandomBinaryStringSource", "ReplicatorAgent", "Source"]
