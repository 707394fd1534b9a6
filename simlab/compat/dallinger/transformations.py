"""``dallinger.transformations``: transformation types."""

from ...domain import Compression, Mutation, Replication, Response, Transformation
from ..surface import module_getattr

__getattr__ = module_getattr(__name__)

__all__ = ["Compression", "Mutation", "Replication", "Response", "Transformation"]
