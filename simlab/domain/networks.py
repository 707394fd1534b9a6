"""Networks and Dallinger's eight topologies, each one ``add_node`` rule (spec 7.1).

``add_node`` runs after the new node is in the network.  The rules find the
nodes they need from the newest or oldest end of the network's node index, so
wiring a node costs O(vectors made), not O(network), except where the rule
itself looks at every node (FullyConnected, ScaleFree, DiscreteGenerational).
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Iterator
from typing import Any

from ..errors import ModelError
from ..store import NetworkRow
from .base import Model, check_failed_filter, matches_failed
from .infos import Info
from .nodes import Node, Source


class Network(Model, NetworkRow):
    """A set of nodes joined by vectors; subclasses say how a new node is wired."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "network"}

    def __init__(self, **columns: Any) -> None:
        columns.setdefault("type", self.polymorphic_identity)
        if "max_size" in columns:
            columns["max_size"] = _as_size(columns["max_size"])
        self._init_columns(columns)

    def _failure_cascade(self) -> Any:
        return (lambda: self.nodes(),)

    # -------------------------------------------------------------- queries

    def _live_nodes(self, newest_first: bool = False) -> Iterator[Any]:
        rows = self._store.network_index(self.id).nodes
        for node in reversed(rows) if newest_first else rows:
            if not node.failed:
                yield node

    def nodes(self, type: Any = None, failed: Any = False, participant_id: int | None = None) -> list[Any]:
        """The network's nodes (live ones by default), oldest first."""
        if type is None:
            type = Node
        if not (inspect.isclass(type) and issubclass(type, Node)):
            raise ModelError(f"{type} is not a valid node type.")
        check_failed_filter(failed)
        return [
            n
            for n in self._store.network_index(self.id).nodes
            if isinstance(n, type)
            and matches_failed(n, failed)
            and (participant_id is None or n.participant_id == participant_id)
        ]

    def size(self, type: Any = None, failed: Any = False) -> int:
        """How many nodes (live ones by default) the network has."""
        if type is None and failed is False:
            return self._store.network_index(self.id).alive
        return len(self.nodes(type=type, failed=failed))

    def infos(self, type: Any = None, failed: Any = False) -> list[Any]:
        """Infos created by the network's nodes.  O(network's infos)."""
        type = type or Info
        return [i for n in self._store.network_index(self.id).nodes for i in n.infos(type=type, failed=failed)]

    def vectors(self, failed: Any = False) -> list[Any]:
        """Vectors between the network's nodes."""
        return [v for n in self._store.network_index(self.id).nodes for v in n.vectors("outgoing", failed=failed)]

    def transmissions(self, status: str = "all", failed: Any = False) -> list[Any]:
        """Transmissions along the network's vectors."""
        return [
            t
            for n in self._store.network_index(self.id).nodes
            for t in n.transmissions(direction="outgoing", status=status, failed=failed)
        ]

    def calculate_full(self) -> None:
        """Set ``full`` from the live node count (Dallinger does this on node creation only)."""
        self.full = self._store.network_index(self.id).alive >= (self.max_size or 0)

    def add_node(self, node: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not say how to add a node")

    def counts(self) -> tuple[int, int, int, int, int]:
        """(pending infos, completed infos, failed infos, alive nodes, failed nodes)."""
        ix = self._store.network_index(self.id)
        return ix.pending_infos, ix.completed_infos, ix.failed_infos, ix.alive, ix.failed

    def __json__(self) -> dict[str, Any]:
        pending, completed, failed_infos, alive, failed_nodes = self.counts()
        data = self._shared_json()
        data["type"] = self.type
        data["max_size"] = self.max_size
        data["full"] = self.full
        data["role"] = self.role
        data["n_pending_infos"] = pending
        data["n_completed_infos"] = completed
        data["n_failed_infos"] = failed_infos
        data["n_alive_nodes"] = alive
        data["n_failed_nodes"] = failed_nodes
        data["object_type"] = "Network"
        return data


def _as_size(value: Any) -> int:
    size = int(value)
    if size < 0:
        raise ModelError(f"max_size must be non-negative, got {value!r}")
    return size


def _others(network: Network, node: Any, newest_first: bool = False) -> Iterator[Any]:
    return (n for n in network._live_nodes(newest_first) if n.id != node.id)


class Empty(Network):
    """No vectors; ``add_source`` connects a source to every non-source node."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "empty"}

    def add_node(self, node: Any) -> None:
        pass

    def add_source(self, source: Any) -> None:
        source.connect(whom=[n for n in self.nodes() if not isinstance(n, Source)])


class Chain(Network):
    """A→B→C: the newest live node connects to the newcomer."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "chain"}

    def add_node(self, node: Any) -> None:
        parent = next(_others(self, node, newest_first=True), None)
        if isinstance(node, Source) and parent is not None:
            raise ModelError("Chain network already has a nodes, can't add a source.")
        if parent is not None:
            parent.connect(whom=node)


class DelayedChain(Network):
    """Up to 11 nodes, the sources feed each newcomer; then it is a chain."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "delayed_chain"}

    def add_node(self, node: Any) -> None:
        if self.size() > 11:
            parents = [next(_others(self, node, newest_first=True))]
        else:
            parents = [n for n in _others(self, node) if isinstance(n, Source)]
        for parent in parents:
            parent.connect(whom=node)


class FullyConnected(Network):
    """Every node connects both ways with every other (only "from" a source)."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "fully-connected"}

    def add_node(self, node: Any) -> None:
        for other in list(_others(self, node)):
            if isinstance(other, Source):
                node.connect(direction="from", whom=other)
            else:
                node.connect(direction="both", whom=other)


class Star(Network):
    """The oldest node connects both ways with every newcomer."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "star"}

    def add_node(self, node: Any) -> None:
        if self.size() > 1:
            centre = next(self._live_nodes())
            centre.connect(direction="both", whom=node)


class Burst(Network):
    """The oldest node connects one way to every newcomer."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "burst"}

    def add_node(self, node: Any) -> None:
        if self.size() > 1:
            centre = next(self._live_nodes())
            centre.connect(whom=node)


class DiscreteGenerational(Network):
    """Generations of agents; each newcomer's parent is drawn by fitness from the last one."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "discrete-generational"}

    def __init__(self, generations: int, generation_size: int, initial_source: bool, **columns: Any) -> None:
        columns.update(property1=repr(generations), property2=repr(generation_size), property3=repr(initial_source))
        columns.setdefault("max_size", generations * generation_size + (1 if initial_source else 0))
        super().__init__(**columns)

    @property
    def generations(self) -> int:
        return int(self.property1)  # type: ignore[arg-type]

    @property
    def generation_size(self) -> int:
        return int(self.property2)  # type: ignore[arg-type]

    @property
    def initial_source(self) -> bool:
        return self.property3 == "True"

    def add_node(self, node: Any) -> None:
        agents = [n for n in self.nodes() if not isinstance(n, Source)]
        generation = (len(agents) - 1) // self.generation_size
        node.generation = generation
        if generation == 0 and self.initial_source:
            sources = self.nodes(type=Source)
            parent = sources[0] if sources else None
        else:
            parent = self._fit_parent(type(node), generation - 1, node)
        if parent is not None:
            parent.connect(whom=node)
            parent.transmit(to_whom=node)

    def _fit_parent(self, node_type: type, generation: int, node: Any) -> Any:
        candidates = [
            n
            for n in self.nodes(type=node_type)
            if n.id != node.id and getattr(n, "generation", None) == generation
        ]
        if not candidates:
            return None
        fitness = [max(getattr(n, "fitness", None) or 0.0, 0.0) for n in candidates]
        total = sum(fitness)
        if total <= 0:
            return random.choice(candidates)
        pick = random.random() * total
        for candidate, weight in zip(candidates, fitness):
            pick -= weight
            if pick < 0:
                return candidate
        return candidates[-1]


class ScaleFree(Network):
    """m0 fully connected nodes, then each newcomer links to m nodes by preferential attachment."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "scale-free"}

    def __init__(self, m0: int, m: int, **columns: Any) -> None:
        columns.update(property1=repr(m0), property2=repr(m))
        super().__init__(**columns)

    @property
    def m0(self) -> int:
        return int(self.property1)  # type: ignore[arg-type]

    @property
    def m(self) -> int:
        return int(self.property2)  # type: ignore[arg-type]

    def add_node(self, node: Any) -> None:
        agents = [n for n in self.nodes() if not isinstance(n, Source)]
        others = [n for n in agents if n.id != node.id]
        if len(agents) <= self.m0:
            for other in others:
                node.connect(direction="both", whom=other)
            return
        for _ in range(self.m):
            candidates = [n for n in others if not node.is_connected(direction="either", whom=n)]
            if not candidates:
                break
            degrees = [len(n.vectors(direction="outgoing")) for n in candidates]
            total = sum(degrees)
            if total == 0:
                chosen = random.choice(candidates)
            else:
                pick = random.random() * total
                chosen = candidates[-1]
                for candidate, degree in zip(candidates, degrees):
                    pick -= degree
                    if pick < 0:
                        chosen = candidate
                        break
            node.connect(direction="both", whom=chosen)


class SequentialMicrosociety(Network):
    """The n−1 newest other nodes each connect to the newcomer."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "microsociety"}

    def __init__(self, n: int, **columns: Any) -> None:
        columns.update(property1=repr(n))
        super().__init__(**columns)

    @property
    def n(self) -> int:
        return int(self.property1)  # type: ignore[arg-type]

    def add_node(self, node: Any) -> None:
        newest = _others(self, node, newest_first=True)
        for _, other in zip(range(self.n - 1), newest):
            other.connect(whom=node)


class SplitSampleNetwork(Network):
    """Dallinger's particle network: no ``add_node`` rule of its own."""

    __slots__ = ()
    __mapper_args__ = {"polymorphic_identity": "particle_network"}

    def __init__(self, **columns: Any) -> None:
        columns.setdefault("property1", repr(random.random() < 0.5))
        super().__init__(**columns)

    @property
    def exploratory(self) -> bool:
        return self.property1 == "True"


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
