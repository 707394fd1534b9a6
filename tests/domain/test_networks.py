"""Network ``add_node`` rules on the domain objects, including sources (spec 7.1)."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import (
    Agent,
    Burst,
    Chain,
    DelayedChain,
    DiscreteGenerational,
    Empty,
    FullyConnected,
    Network,
    Node,
    RandomBinaryStringSource,
    ScaleFree,
    SequentialMicrosociety,
    Star,
)
from simlab.errors import ModelError


def add(store: Any, net: Any, kind: type = Node) -> Any:
    node = kind(network=net)
    net.add_node(node)
    return node


def edges(net: Any) -> set[tuple[int, int]]:
    return {(v.origin_id, v.destination_id) for v in net.vectors()}


@pytest.mark.parametrize(
    ("cls", "identity"),
    [(Empty, "empty"), (Chain, "chain"), (DelayedChain, "delayed_chain"), (FullyConnected, "fully-connected"),
     (Star, "star"), (Burst, "burst")],
)
def test_identities_and_defaults(store, cls, identity):
    net = store.add(cls())
    assert (net.type, net.max_size, net.full, net.role) == (identity, 1000000, False, "default")
    assert store.add(cls(max_size=7)).max_size == 7


def test_base_network_add_node_is_not_implemented(store):
    net = store.add(Network())
    with pytest.raises(NotImplementedError):
        add(store, net)


def test_chain_refuses_a_late_source_and_accepts_a_first_one(store):
    net = store.add(Chain())
    source = add(store, net, RandomBinaryStringSource)
    node = add(store, net)
    assert edges(net) == {(source.id, node.id)}
    with pytest.raises(ModelError):
        add(store, net, RandomBinaryStringSource)


def test_chain_attaches_to_newest_live_node(store):
    net = store.add(Chain())
    a, b = add(store, net), add(store, net)
    b.fail()
    c = add(store, net)
    assert edges(net) == {(a.id, c.id)}


def test_empty_add_source_connects_to_non_sources(store):
    net = store.add(Empty())
    nodes = [add(store, net) for _ in range(3)]
    source = RandomBinaryStringSource(network=net)
    net.add_source(source)
    assert edges(net) == {(source.id, n.id) for n in nodes}


def test_delayed_chain_feeds_from_sources_then_chains(store):
    net = store.add(DelayedChain())
    source = add(store, net, RandomBinaryStringSource)
    early = [add(store, net) for _ in range(10)]
    assert edges(net) == {(source.id, n.id) for n in early}
    late = [add(store, net) for _ in range(2)]
    assert edges(net) - {(source.id, n.id) for n in early} == {(early[-1].id, late[0].id), (late[0].id, late[1].id)}


def test_fully_connected_only_from_a_source(store):
    net = store.add(FullyConnected())
    source = add(store, net, RandomBinaryStringSource)
    a, b = add(store, net), add(store, net)
    assert edges(net) == {(source.id, a.id), (source.id, b.id), (a.id, b.id), (b.id, a.id)}


def test_star_and_burst_use_the_oldest_live_node(store):
    star, burst = store.add(Star()), store.add(Burst())
    s = [add(store, star) for _ in range(3)]
    b = [add(store, burst) for _ in range(3)]
    assert edges(star) == {(s[0].id, s[1].id), (s[1].id, s[0].id), (s[0].id, s[2].id), (s[2].id, s[0].id)}
    assert edges(burst) == {(b[0].id, b[1].id), (b[0].id, b[2].id)}


def test_microsociety_and_scale_free_store_their_parameters(store):
    micro = store.add(SequentialMicrosociety(n=4))
    free = store.add(ScaleFree(m0=3, m=2))
    assert (micro.type, micro.property1) == ("microsociety", "4")
    assert (free.type, free.property1, free.property2) == ("scale-free", "3", "2")
    nodes = [add(store, micro) for _ in range(6)]
    newest = nodes[-1]
    assert {v.origin_id for v in newest.vectors("incoming")} == {n.id for n in nodes[2:5]}


def test_discrete_generational_with_initial_source_and_fitness(store):
    net = store.add(DiscreteGenerational(generations=2, generation_size=2, initial_source=True))
    assert (net.type, net.max_size) == ("discrete-generational", 5)
    source = add(store, net, RandomBinaryStringSource)
    first = [add(store, net, Agent) for _ in range(2)]
    assert edges(net) == {(source.id, a.id) for a in first}
    assert all(len(a.received_infos()) == 0 and len(a.transmissions("incoming")) == 1 for a in first)
    first[0].fitness = 0.0
    first[1].fitness = 5.0
    second = [add(store, net, Agent) for _ in range(2)]
    assert {v.origin_id for a in second for v in a.vectors("incoming")} == {first[1].id}
    assert net.full is True


def test_full_is_recomputed_on_node_creation_only(store):
    net = store.add(Chain(max_size=2))
    a = add(store, net)
    assert net.full is False
    add(store, net)
    assert net.full is True
    a.fail()
    assert net.full is True
    assert net.size() == 1


def test_failed_network_refuses_nodes(store):
    net = store.add(Chain())
    net.fail()
    with pytest.raises(ModelError):
        Node(network=net)
