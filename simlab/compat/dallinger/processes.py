"""``dallinger.processes``: the transmission processes of Dallinger's evolution experiments."""

from __future__ import annotations

import random
from operator import attrgetter
from typing import Any

from ...domain import Agent, Source
from ..surface import module_getattr


def _latest_recipient(network: Any) -> Any:
    """The node that received the network's latest received transmission, or None."""
    received = [t for t in network.transmissions(status="received") if not t.failed]
    if not received:
        return None
    return max(received, key=attrgetter("receive_time")).destination


def random_walk(network: Any) -> None:
    """From a source-fed node (or the latest recipient), transmit to a random downstream agent."""
    latest = _latest_recipient(network)
    sender = random.choice(network.nodes(type=Source)) if not network.transmissions() or latest is None else latest
    receiver = random.choice(sender.neighbors(direction="to", type=Agent))
    sender.transmit(to_whom=receiver)


def moran_cultural(network: Any) -> None:
    """An agent copies its newest info to a random downstream agent (a source starts it)."""
    if not network.transmissions():
        random.choice(network.nodes(type=Source)).transmit()
        return
    replacer = random.choice(network.nodes(type=Agent))
    replaced = random.choice(replacer.neighbors(direction="to", type=Agent))
    replacer.transmit(what=max(replacer.infos(), key=attrgetter("creation_time")), to_whom=replaced)


def moran_sexual(network: Any) -> None:
    """The newest agent takes a random agent's place (its links), and is endowed by another agent."""
    if not network.transmissions():
        random.choice(network.nodes(type=Source)).transmit()
        return
    agents = network.nodes(type=Agent)
    baby = max(agents, key=attrgetter("creation_time"))
    replacer = random.choice([a for a in agents if a.id != baby.id])
    replaced = random.choice(replacer.neighbors(direction="to", type=Agent))
    for node in replaced.neighbors(direction="to"):
        baby.connect(direction="to", whom=node)
    for node in replaced.neighbors(direction="from"):
        node.connect(direction="to", whom=baby)
    replaced.fail()
    replacer.transmit(to_whom=baby)


def transmit_by_fitness(from_whom: list[Any], to_whom: Any = None, what: Any = None) -> None:
    """One of ``from_whom``, drawn with probability proportional to its fitness, transmits."""
    total = float(sum(p.fitness for p in from_whom))
    draw, acc = random.random(), 0.0
    parent = from_whom[-1]
    for candidate in from_whom:
        acc += candidate.fitness / total
        if acc > draw:
            parent = candidate
            break
    parent.transmit(what=what, to_whom=to_whom)


__getattr__ = module_getattr(__name__)

__all__ = ["Agent", "Source", "moran_cultural", "moran_sexual", "random_walk", "transmit_by_fitness"]
