"""``dallinger.nodes``: node types."""

from ...domain import Agent, Environment, Info, Node, State, RandomBinaryStringSource, ReplicatorAgent, Source
from ..surface import module_getattr

__getattr__ = module_getattr(__name__)

__all__ = ["Agent", "Environment", "Info", "Node", "RandomBinaryStringSource", "ReplicatorAgent", "Source", "State"]
