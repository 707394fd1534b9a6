"""Vectors (directed connections between nodes) and the transmissions along them."""

from __future__ import annotations

from typing import Any

from ..errors import ModelError
from ..store import TransmissionRow, VectorRow
from .base import Model


class Vector(Model, VectorRow):
    """A directed connection from ``origin`` to ``destination`` in one network."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "vector"}

    def __init__(self, origin: Any, destination: Any, **columns: Any) -> None:
        if origin.network_id != destination.network_id:
            raise ModelError(
                f"{origin}, in network {origin.network_id}, cannot connect with {destination} "
                f"as it is in network {destination.network_id}"
            )
        if origin.failed:
            raise ModelError(f"{origin} cannot connect to {destination} as {origin} has failed")
        if destination.failed:
            raise ModelError(f"{origin} cannot connect to {destination} as {destination} has failed")
        if getattr(destination, "is_source", False):
            raise ModelError(f"Cannot connect to {destination} as it is a Source.")
        if origin.id == destination.id:
            raise ModelError(f"{origin} cannot connect to itself.")
        columns.update(
            type=self.polymorphic_identity,
            origin_id=origin.id,
            destination_id=destination.id,
            network_id=origin.network_id,
        )
        self._init_columns(columns)
        origin._store.add(self)

    @property
    def origin(self) -> Any:
        return self._store.get("node", self.origin_id)

    @property
    def destination(self) -> Any:
        return self._store.get("node", self.destination_id)

    @property
    def network(self) -> Any:
        return self._store.get("network", self.network_id)

    def _failure_cascade(self) -> Any:
        return (self.transmissions,)

    def transmissions(self, status: str = "all") -> list[Any]:
        """The vector's non-failed transmissions, oldest first."""
        if status not in ("all", "pending", "received"):
            raise ModelError(f"You cannot get {status} transmissions. Status can only be pending, received or all")
        return [
            t
            for t in self._store.transmissions_of_vector(self.id)
            if not t.failed and (status == "all" or t.status == status)
        ]

    def __json__(self) -> dict[str, Any]:
        # Dallinger does not serialize the vector's type (spec 9.8).
        data = self._shared_json()
        data["origin_id"] = self.origin_id
        data["destination_id"] = self.destination_id
        data["network_id"] = self.network_id
        data["object_type"] = "Vector"
        return data


_BLANK = (
    "id",
    "creation_time",
    "failed_reason",
    "time_of_death",
    "property1",
    "property2",
    "property3",
    "property4",
    "property5",
    "receive_time",
)


class Transmission(Model, TransmissionRow):
    """An info sent along a vector; ``pending`` until the destination receives it."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow

    def __init__(self, vector: Any, info: Any, **columns: Any) -> None:
        if vector.failed:
            raise ModelError("Cannot transmit along a failed vector")
        if info.failed:
            raise ModelError("Cannot transmit a failed info")
        if info.origin_id != vector.origin_id:
            raise ModelError(
                f"Cannot transmit {info} along {vector} as the info was not created by the vector's origin"
            )
        if columns:
            columns.update(
                vector_id=vector.id,
                info_id=info.id,
                origin_id=vector.origin_id,
                destination_id=vector.destination_id,
                network_id=vector.network_id,
            )
            self._init_columns(columns)
        else:  # the hot path of every transmit: set the columns directly
            _set = object.__setattr__
            for name in _BLANK:
                _set(self, name, None)
            _set(self, "_store", None)
            _set(self, "failed", False)
            _set(self, "details", {})
            _set(self, "vector_id", vector.id)
            _set(self, "info_id", info.id)
            _set(self, "origin_id", vector.origin_id)
            _set(self, "destination_id", vector.destination_id)
            _set(self, "network_id", vector.network_id)
            _set(self, "status", "pending")
        vector._store.add(self)

    @property
    def info(self) -> Any:
        return self._store.get("info", self.info_id)

    @property
    def vector(self) -> Any:
        return self._store.get("vector", self.vector_id)

    @property
    def origin(self) -> Any:
        return self._store.get("node", self.origin_id)

    @property
    def destination(self) -> Any:
        return self._store.get("node", self.destination_id)

    def mark_received(self) -> None:
        self.status = "received"
        self.receive_time = self._store.now()

    def __json__(self) -> dict[str, Any]:
        data = self._shared_json()
        data["vector_id"] = self.vector_id
        data["origin_id"] = self.origin_id
        data["destination_id"] = self.destination_id
        data["info_id"] = self.info_id
        data["network_id"] = self.network_id
        data["receive_time"] = self.receive_time
        data["status"] = self.status
        data["object_type"] = "Transmission"
        return data
