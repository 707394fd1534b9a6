"""Read a Dallinger server's final state through its public API, and hash it.

Dallinger has no "list everything" route, but its ids are dense serials starting
at 1, so the reader walks networks, participants and nodes by id until the first
miss.  For each node it reads live and failed outgoing vectors, its own infos, its
outgoing transmissions (``direction=outgoing`` never triggers a receive, so reading
changes nothing) and its neighbours (whose JSON tells which network and participant
each node belongs to).  This works against simlab and a real Dallinger alike.

The canonical form drops wall-clock fields (creation and receive times...), sorts
everything by id and is hashed with SHA-256: two runs that built the same graph
have the same ``final_state_digest``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..clients.dallinger import DallingerClient
from ..clients.http import ApiError

Json = dict[str, Any]

#: Fields that hold wall-clock times and so differ between identical runs.
TIME_FIELDS = frozenset({"creation_time", "time_of_death", "receive_time", "end_time"})


def _canon(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in sorted(value.items()) if k not in TIME_FIELDS}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def _by_id(items: list[Json]) -> list[Json]:
    return sorted(items, key=lambda item: item.get("id", 0))


@dataclass
class NodeState:
    """What the API tells about one node."""

    id: int
    network_id: int | None = None
    participant_id: int | None = None
    type: str | None = None
    vectors: list[Json] = field(default_factory=list)
    failed_vectors: list[Json] = field(default_factory=list)
    infos: list[Json] = field(default_factory=list)
    transmissions: list[Json] = field(default_factory=list)

    def as_dict(self) -> Json:
        """Return the node's state as a JSON-ready dict, lists sorted by id."""
        return {
            "id": self.id,
            "network_id": self.network_id,
            "participant_id": self.participant_id,
            "type": self.type,
            "vectors": _by_id(self.vectors),
            "failed_vectors": _by_id(self.failed_vectors),
            "infos": _by_id(self.infos),
            "transmissions": _by_id(self.transmissions),
        }


@dataclass
class Snapshot:
    """The final state: networks, participants and nodes, by id.

    ``truncated`` is True when the reader stopped at its node limit.
    """

    networks: dict[int, Json] = field(default_factory=dict)
    participants: dict[int, Json] = field(default_factory=dict)
    nodes: dict[int, NodeState] = field(default_factory=dict)
    truncated: bool = False

    def nodes_in(self, network_id: int) -> list[NodeState]:
        """Return the nodes known to belong to ``network_id``, by id."""
        return [n for _, n in sorted(self.nodes.items()) if n.network_id == network_id]

    def who(self, participant_ids: Any, *, limit: int = 10) -> str:
        """Name participants for a check's message: ``participant 3 (working; node 5 in network 1)``.

        A failing check says who, not only how many or which statuses.
        """
        ids = sorted(int(i) for i in participant_ids)
        nodes: dict[int, list[NodeState]] = {}
        for node in self.nodes.values():
            if node.participant_id is not None:
                nodes.setdefault(int(node.participant_id), []).append(node)
        parts = []
        for ident in ids[:limit]:
            status = self.participants.get(ident, {}).get("status", "unknown")
            where = "; ".join(f"node {n.id} in network {n.network_id}" for n in nodes.get(ident, [])) or "no node"
            parts.append(f"participant {ident} ({status}; {where})")
        more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
        return (", ".join(parts) + more) if parts else "none"

    def canonical(self) -> Json:
        """Return the state without wall-clock fields, every list sorted by id."""
        return _canon(
            {
                "networks": [self.networks[k] for k in sorted(self.networks)],
                "participants": [self.participants[k] for k in sorted(self.participants)],
                "nodes": [self.nodes[k].as_dict() for k in sorted(self.nodes)],
                "truncated": self.truncated,
            }
        )

    def digest(self) -> str:
        """Return ``sha256:<hex>`` of the canonical form as compact, key-sorted JSON."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), default=str)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    def as_dict(self) -> Json:
        """Return the full state (times included) as JSON-ready data."""
        return {
            "networks": [self.networks[k] for k in sorted(self.networks)],
            "participants": [self.participants[k] for k in sorted(self.participants)],
            "nodes": [self.nodes[k].as_dict() for k in sorted(self.nodes)],
            "truncated": self.truncated,
        }


async def _exists(call: Any) -> Any:
    """Return the call's result, or None when the server says the id does not exist."""
    try:
        return await call
    except ApiError as exc:
        if exc.status in (400, 403, 404):
            return None
        raise


async def read_snapshot(client: DallingerClient, *, max_nodes: int = 20_000, max_participants: int = 100_000) -> Snapshot:
    """Walk the server's networks, participants and nodes by id and return a :class:`Snapshot`."""
    snap = Snapshot()
    ident = 1
    while (network := await _exists(client.get_network(ident))) is not None:
        snap.networks[ident] = network
        ident += 1
    ident = 1
    while ident <= max_participants and (participant := await _exists(client.get_participant(ident))) is not None:
        snap.participants[ident] = participant
        ident += 1
    seen: dict[int, Json] = {}
    ident = 1
    while True:
        if ident > max_nodes:
            snap.truncated = True
            break
        vectors = await _exists(client.get_vectors(ident, direction="outgoing"))
        if vectors is None:
            break
        node = NodeState(ident, vectors=vectors)
        node.failed_vectors = await client.get_vectors(ident, direction="outgoing", failed=True)
        node.infos = await client.get_infos(ident)
        node.transmissions = await client.get_transmissions(ident, direction="outgoing", status="all")
        for neighbor in await client.get_neighbors(ident, connection="either"):
            seen[int(neighbor["id"])] = neighbor
        snap.nodes[ident] = node
        ident += 1
    for node in snap.nodes.values():
        _place(node, seen.get(node.id))
    return snap


def _place(node: NodeState, json_seen: Json | None) -> None:
    """Fill a node's network, participant and type from what the API showed."""
    if json_seen is not None:
        node.network_id = json_seen.get("network_id")
        node.participant_id = json_seen.get("participant_id")
        node.type = json_seen.get("type")
        return
    for item in (*node.vectors, *node.failed_vectors, *node.infos):
        if item.get("network_id") is not None:
            node.network_id = item["network_id"]
            return
