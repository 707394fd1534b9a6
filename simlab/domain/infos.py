"""Infos and transformations: what nodes create and how one info becomes another."""

from __future__ import annotations

from typing import Any

from ..errors import ModelError
from ..store import InfoRow, TransformationRow
from .base import Model

_set = object.__setattr__


class Info(Model, InfoRow):
    """A piece of information created by a node (Dallinger's ``Info``)."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "info"}

    def __init__(
        self,
        origin: Any,
        contents: str | None = None,
        details: dict[str, Any] | None = None,
        failed: bool = False,
        **columns: Any,
    ) -> None:
        if origin.failed and not failed:
            raise ModelError(f"Cannot create info as origin {origin} has failed")
        columns.update(
            type=self.polymorphic_identity,
            origin_id=origin.id,
            network_id=origin.network_id,
            contents=contents,
            details=details,
            failed=bool(failed),
        )
        self._init_columns(columns)
        origin._store.add(self)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "contents" and value is not None and self.contents is not None:
            raise ModelError("The contents of an info is write-once.")
        InfoRow.__setattr__(self, name, value)

    @property
    def origin(self) -> Any:
        return self._store.get("node", self.origin_id)

    @property
    def network(self) -> Any:
        return self._store.get("network", self.network_id)

    def _failure_cascade(self) -> Any:
        return (self.transmissions, self.transformations)

    def transmissions(self, status: str = "all", failed: bool = False) -> list[Any]:
        """This info's transmissions (non-failed by default), oldest first."""
        if status not in ("all", "pending", "received"):
            raise ModelError(f"You cannot get transmission of status {status}. Status can only be pending, received or all")
        return [
            t
            for t in self._store.transmissions_of_info(self.id)
            if (failed == "all" or t.failed == failed) and (status == "all" or t.status == status)
        ]

    def transformations(self, relationship: str = "all", failed: bool = False) -> list[Any]:
        """Transformations this info is the input ("parent") or output ("child") of."""
        if relationship not in ("all", "parent", "child"):
            raise ModelError(f"You cannot get transformations of relationship {relationship}")
        out = []
        for t in self._store.transformations_of_info(self.id):
            if not (failed == "all" or t.failed == failed):
                continue
            if relationship == "parent" and t.info_in_id != self.id:
                continue
            if relationship == "child" and t.info_out_id != self.id:
                continue
            out.append(t)
        return out

    def _mutated_contents(self) -> str:
        raise NotImplementedError("_mutated_contents needs to be overwritten in class {}".format(type(self)))

    def __json__(self) -> dict[str, Any]:
        data = self._shared_json()
        data["type"] = self.type
        data["origin_id"] = self.origin_id
        data["network_id"] = self.network_id
        data["contents"] = self.contents
        data["object_type"] = "Info"
        return data


class Gene(Info):
    """A gene: an info passed on genetically."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "gene"}


class Meme(Info):
    """A meme: an info passed on culturally."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "meme"}


class State(Info):
    """The state of an Environment."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "state"}


class TrackingEvent(Info):
    """A front-end event recorded by ``POST /tracking_event`` (no contents)."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "tracking"}


class Transformation(Model, TransformationRow):
    """Records that ``info_out`` was made from ``info_in`` (Dallinger's ``Transformation``).

    The row takes ``node_id`` and ``network_id`` from ``info_out``.
    """

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "transformation"}

    def __init__(self, info_in: Any, info_out: Any, **columns: Any) -> None:
        if not isinstance(info_in, Info):
            raise ModelError(f"{info_in} cannot be transformed as it is not an Info")
        if not isinstance(info_out, Info):
            raise ModelError(f"{info_out} cannot be transformed as it is not an Info")
        if info_in.failed or info_out.failed:
            raise ModelError("Cannot transform a failed info")
        node = info_out.origin
        if node.failed:
            raise ModelError(f"{node} cannot transform {info_in} as it has failed")
        if info_in.origin_id != node.id and not _was_received(info_in, node.id):
            raise ModelError(f"{node} cannot transform {info_in} as it has not been sent it by {info_in.origin}")
        columns.update(
            type=self.polymorphic_identity,
            info_in_id=info_in.id,
            info_out_id=info_out.id,
            node_id=info_out.origin_id,
            network_id=info_out.network_id,
        )
        self._init_columns(columns)
        info_out._store.add(self)

    @property
    def info_in(self) -> Any:
        return self._store.get("info", self.info_in_id)

    @property
    def info_out(self) -> Any:
        return self._store.get("info", self.info_out_id)

    @property
    def node(self) -> Any:
        return self._store.get("node", self.node_id)

    def __json__(self) -> dict[str, Any]:
        # Dallinger does not serialize the transformation's type (spec 9.8).
        data = self._shared_json()
        data["info_in_id"] = self.info_in_id
        data["info_out_id"] = self.info_out_id
        data["node_id"] = self.node_id
        data["network_id"] = self.network_id
        data["object_type"] = "Transformation"
        return data


def _was_received(info: Any, node_id: int) -> bool:
    """Whether ``info`` reached ``node_id`` in a received, non-failed transmission."""
    return info.id in info._store.node_index(node_id).received


def was_received(info: Any, node_id: int) -> bool:
    """Public form of the access rule of ``GET /info/<node>/<info>`` (spec 4.12)."""
    return _was_received(info, node_id)


class Replication(Transformation):
    """An info copied as is."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "replication"}


class Mutation(Transformation):
    """An info copied with changes."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "mutation"}


class Compression(Transformation):
    """An info summarised."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "compression"}


class Response(Transformation):
    """An info made in response to another."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "response"}
