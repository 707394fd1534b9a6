"""Nodes: the points of a network, with Dallinger's queries and actions.

Queries read the store's per-node indexes and the graph's adjacency, so each
costs O(result + degree).
"""

from __future__ import annotations

import inspect
import random
from typing import Any

from ..errors import ModelError
from ..store import NodeRow
from .base import Model, check_failed_filter, flatten, matches_failed
from .infos import Info, Mutation, Replication, State
from .vectors import Transmission, Vector

NEIGHBORS_FAILED_MESSAGE = (
    "You should not pass a failed argument to neighbors(). Neighbors is unusual in that a "
    "failed argument cannot be passed. This is because there is inherent uncertainty in what "
    "it means for a neighbor to be failed. The neighbors function will only ever return "
    "not-failed nodes connected to you via not-failed vectors. If you want to do more "
    "elaborate queries, for example, getting not-failed nodes connected to you via failed "
    "vectors, you should do so via sql queries."
)


def _by_id(row: Any) -> int:
    return row.id


class Node(Model, NodeRow):
    """A point in a network, usually one participant's place in it."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "node"}
    is_source = False

    def __init__(self, network: Any, participant: Any = None, **columns: Any) -> None:
        if network.failed:
            raise ModelError(f"Cannot create node in {network} as it has failed")
        if participant is not None:
            if participant.failed:
                raise ModelError(f"{participant} cannot create a node as it has failed")
            if participant.status != "working":
                raise ModelError(f"{participant} cannot create a node as they are not working")
        columns.update(
            type=self.polymorphic_identity,
            network_id=network.id,
            participant_id=None if participant is None else participant.id,
        )
        self._init_columns(columns)
        network._store.add(self)
        network.calculate_full()

    # ----------------------------------------------------------- relations

    @property
    def network(self) -> Any:
        return self._store.get("network", self.network_id)

    @property
    def participant(self) -> Any:
        return self._store.get("participant", self.participant_id)

    def _failure_cascade(self) -> Any:
        return (
            lambda: self.vectors(),
            lambda: self.infos(),
            lambda: self.transmissions(direction="all"),
            lambda: self.transformations(),
        )

    # -------------------------------------------------------------- queries

    def vectors(self, direction: str = "all", failed: Any = False) -> list[Any]:
        """Vectors from ("outgoing"), to ("incoming") or touching ("all") this node."""
        if direction not in ("all", "incoming", "outgoing"):
            raise ModelError(f"{direction} is not a valid vector direction. Must be all, incoming or outgoing.")
        check_failed_filter(failed)
        ix = self._store.node_index(self.id)
        if direction == "outgoing":
            rows = ix.out_vectors
        elif direction == "incoming":
            rows = ix.in_vectors
        else:
            rows = sorted(ix.out_vectors + ix.in_vectors, key=_by_id)
        return [v for v in rows if matches_failed(v, failed)]

    def neighbors(self, type: Any = None, direction: str = "to", failed: Any = None) -> list[Any]:
        """Nodes joined to this one by live vectors ("to", "from", "either", "both")."""
        if failed is not None:
            raise ModelError(NEIGHBORS_FAILED_MESSAGE)
        if type is None:
            type = Node
        if not (inspect.isclass(type) and issubclass(type, Node)):
            raise ModelError(f"{type} is not a valid neighbor type, needs to be a subclass of Node.")
        graph = self._store.graph
        if direction == "to":
            ids: Any = graph.successors(self.id)
        elif direction == "from":
            ids = graph.predecessors(self.id)
        elif direction == "either":
            ids = dict.fromkeys([*graph.successors(self.id), *graph.predecessors(self.id)])
        elif direction == "both":
            incoming = set(graph.predecessors(self.id))
            ids = [i for i in graph.successors(self.id) if i in incoming]
        else:
            raise ModelError(f"{direction} not a valid neighbor connection. Should be both, either, to or from.")
        get = self._store.get
        out = []
        for ident in ids:
            node = get("node", ident)
            if isinstance(node, type):
                out.append(node)
        return out

    def is_connected(self, whom: Any, direction: str = "to") -> Any:
        """Whether a live vector joins this node and ``whom`` (a node or a list of nodes)."""
        if direction not in ("to", "from", "either", "both"):
            raise ModelError(f"{direction} is not a valid direction for is_connected")
        graph = self._store.graph

        def one(other: Any) -> bool:
            to = graph.has_edge(self.id, other.id)
            back = graph.has_edge(other.id, self.id)
            return {"to": to, "from": back, "either": to or back, "both": to and back}[direction]

        if isinstance(whom, (list, tuple)):
            return [one(w) for w in flatten(whom)]
        return one(whom)

    def infos(self, type: Any = None, failed: Any = False) -> list[Any]:
        """Infos this node created (non-failed by default), oldest first."""
        if type is None:
            type = Info
        if not (inspect.isclass(type) and issubclass(type, Info)):
            raise ModelError(f"Cannot get infos of type {type} as it is not a valid type.")
        check_failed_filter(failed)
        return [i for i in self._store.node_index(self.id).infos if isinstance(i, type) and matches_failed(i, failed)]

    def received_infos(self, type: Any = None, failed: Any = None) -> list[Any]:
        """Distinct infos that reached this node in received, non-failed transmissions."""
        if failed is not None:
            raise ModelError("You should not pass a failed argument to received_infos.")
        if type is None:
            type = Info
        if not (inspect.isclass(type) and issubclass(type, Info)):
            raise ModelError(f"Cannot get infos of type {type} as it is not a valid type.")
        get = self._store.get
        out = []
        for info_id in self._store.node_index(self.id).received:
            info = get("info", info_id)
            if isinstance(info, type):
                out.append(info)
        return out

    def transmissions(self, direction: str = "outgoing", status: str = "all", failed: Any = False) -> list[Any]:
        """Transmissions to or from this node, oldest first."""
        if direction not in ("incoming", "outgoing", "all"):
            raise ModelError(
                f"You cannot get transmissions of direction {direction}. Type can only be incoming, outgoing or all."
            )
        if status not in ("all", "pending", "received"):
            raise ModelError(
                f"You cannot get transmission of status {status}. Status can only be pending, received or all"
            )
        check_failed_filter(failed)
        ix = self._store.node_index(self.id)
        if direction == "incoming" and status == "pending" and failed is False:
            return sorted(ix.pending_in.values(), key=_by_id)
        if direction == "incoming":
            rows = ix.in_trans
        elif direction == "outgoing":
            rows = ix.out_trans
        else:
            rows = sorted(ix.in_trans + ix.out_trans, key=_by_id)
        return [t for t in rows if matches_failed(t, failed) and (status == "all" or t.status == status)]

    def transformations(self, type: Any = None, failed: Any = False) -> list[Any]:
        """Transformations made at this node (their ``node_id`` is this node)."""
        from .infos import Transformation

        if type is None:
            type = Transformation
        if not (inspect.isclass(type) and issubclass(type, Transformation)):
            raise ModelError(f"Cannot get transformations of type {type} as it is not a valid type.")
        check_failed_filter(failed)
        return [
            t for t in self._store.node_index(self.id).transformations if isinstance(t, type) and matches_failed(t, failed)
        ]

    # -------------------------------------------------------------- actions

    def connect(self, whom: Any, direction: str = "to") -> list[Any]:
        """Create vectors to/from ``whom``; pairs already connected are skipped."""
        if direction not in ("to", "from", "both"):
            raise ModelError(f"{direction} is not a valid direction for connect()")
        targets = flatten([whom])
        new_vectors = []
        graph = self._store.graph
        if direction in ("to", "both"):
            for node in targets:
                if not graph.has_edge(self.id, node.id):
                    new_vectors.append(Vector(origin=self, destination=node))
        if direction in ("from", "both"):
            for node in targets:
                if not graph.has_edge(node.id, self.id):
                    new_vectors.append(Vector(origin=node, destination=self))
        return new_vectors

    def _what(self) -> Any:
        return Info

    def _to_whom(self) -> Any:
        return Node

    def transmit(self, what: Any = None, to_whom: Any = None) -> list[Any]:
        """Send infos to nodes along this node's live outgoing vectors (spec 4.16).

        ``what``: None (``_what()``), an Info subclass (this node's live infos of
        that type), an info, or a list of these; ``to_whom`` likewise with Node
        subclasses and nodes.  Every pair needs a live vector.
        """
        infos = self._resolve(what, self._what, Info, lambda cls: self.infos(type=cls))
        recipients = self._resolve(to_whom, self._to_whom, Node, lambda cls: self.neighbors(type=cls))
        if not infos or not recipients:
            return []
        store = self._store
        successors = store.graph._succ[self.id]  # live vectors only: one adjacency lookup per recipient
        transmissions = []
        for info in infos:
            for recipient in recipients:
                keys = successors.get(recipient.id)
                if not keys:
                    raise ModelError(f"{self} cannot transmit to {recipient} as it does not have a connection to them")
                vector = store.get("vector", next(iter(keys)))
                transmissions.append(Transmission(info=info, vector=vector))
        return transmissions

    @staticmethod
    def _resolve(spec: Any, default: Any, base: type, expand: Any) -> list[Any]:
        if isinstance(spec, base):  # the common case over HTTP: one info, one node
            return [spec]
        items = flatten([spec])
        out: dict[int, Any] = {}
        for item in items:
            if item is None:
                item = default()
            for obj in flatten([item]):
                if inspect.isclass(obj) and issubclass(obj, base):
                    for row in expand(obj):
                        out[row.id] = row
                elif isinstance(obj, base):
                    out[obj.id] = obj
                else:
                    raise ModelError(f"Cannot transmit {obj!r}: not a {base.__name__} or {base.__name__} class")
        return sorted(out.values(), key=_by_id)

    def receive(self, what: Any = None) -> list[Any]:
        """Mark pending incoming transmissions received, then ``update`` with their infos."""
        if self.failed:
            raise ModelError(f"{self} cannot receive as it has failed.")
        pending = self.transmissions(direction="incoming", status="pending")
        if what is not None:
            if isinstance(what, Transmission):
                pending = [t for t in pending if t.id == what.id]
            elif isinstance(what, Info):
                pending = [t for t in pending if t.info_id == what.id]
            elif inspect.isclass(what) and issubclass(what, Info):
                pending = [t for t in pending if isinstance(t.info, what)]
            else:
                raise ModelError(f"Cannot receive {what!r}")
        for t in pending:
            t.mark_received()
        self.update([t.info for t in pending])
        return pending

    def update(self, infos: list[Any]) -> None:
        """Called with the infos this node just received; nothing by default."""

    def replicate(self, info_in: Any) -> Any:
        """Copy ``info_in`` onto this node, recorded as a Replication."""
        info_out = type(info_in)(origin=self, contents=info_in.contents)
        Replication(info_in=info_in, info_out=info_out)
        return info_out

    def mutate(self, info_in: Any) -> Any:
        """Copy ``info_in`` with ``_mutated_contents()``, recorded as a Mutation."""
        info_out = type(info_in)(origin=self, contents=info_in._mutated_contents())
        Mutation(info_in=info_in, info_out=info_out)
        return info_out

    def __json__(self) -> dict[str, Any]:
        data = self._shared_json()
        data["type"] = self.type
        data["network_id"] = self.network_id
        data["participant_id"] = self.participant_id
        data["object_type"] = "Node"
        return data


class Agent(Node):
    """A node with a fitness (kept in property1)."""

    __mapper_args__ = {"polymorphic_identity": "agent"}

    @property
    def fitness(self) -> float | None:
        try:
            return float(self.property1)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    @fitness.setter
    def fitness(self, value: float) -> None:
        self.property1 = repr(value)


class ReplicatorAgent(Agent):
    """An agent that replicates every info it receives."""

    __mapper_args__ = {"polymorphic_identity": "replicator_agent"}

    def update(self, infos: list[Any]) -> None:
        for info in infos:
            self.replicate(info_in=info)


class Source(Node):
    """A node that makes new infos when it transmits with ``what=None``."""

    __mapper_args__ = {"polymorphic_identity": "generic_source"}
    is_source = True

    def _what(self) -> Any:
        return self.create_information()

    def create_information(self) -> Any:
        return self._info_type()(origin=self, contents=self._contents())

    def _info_type(self) -> type:
        return Info

    def _contents(self) -> str:
        raise NotImplementedError("_contents needs to be defined in source subclasses")

    def receive(self, what: Any = None) -> list[Any]:
        raise ModelError("Sources cannot receive transmissions.")


class RandomBinaryStringSource(Source):
    """A source whose infos are two random bits, e.g. "01"."""

    __mapper_args__ = {"polymorphic_identity": "random_binary_string_source"}

    def _contents(self) -> str:
        return "".join(str(random.randint(0, 1)) for _ in range(2))


class Environment(Node):
    """A node whose state is its newest State info."""

    __mapper_args__ = {"polymorphic_identity": "environment"}

    def state(self, time: Any = None) -> Any:
        states = [s for s in self.infos(type=State) if time is None or s.creation_time < time]
        return states[-1] if states else None

    def _what(self) -> Any:
        return self.state()
