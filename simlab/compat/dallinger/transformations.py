"""``dallinger.transformations``: transformation types."""

from ...domain import Compression, Mutation, Replication, Response, Transformation

__all__ = ["Compression", "Mutation", "Replication", "Response", "Transformation"]
