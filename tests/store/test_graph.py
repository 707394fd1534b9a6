"""GraphStore: per-type ids, transactions that undo everything, listeners (DESIGN, issue 2)."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Chain, Info, Node
from simlab.store import GraphStore


def test_ids_start_at_one_per_table():
    store = GraphStore()
    net = store.add(Chain())
    a = Node(network=net)
    net.add_node(a)
    b = Node(network=net)
    net.add_node(b)
    info = Info(origin=a, contents="x")
    assert (net.id, a.id, b.id, info.id) == (1, 1, 2, 1)
    assert store.statistics()["vector"] == 1


def test_transaction_rolls_back_rows_changes_and_indexes():
    store = GraphStore()
    net = store.add(Chain(max_size=2))
    a = Node(network=net)
    net.add_node(a)
    before = store.statistics()
    with pytest.raises(RuntimeError), store.transaction():
        b = Node(network=net)
        net.add_node(b)
        Info(origin=a, contents="x")
        a.transmit()
        a.fail()
        assert net.full is True
        raise RuntimeError("undo")
    assert store.statistics() == before
    assert (a.failed, a.failed_reason, a.time_of_death) == (False, None, None)
    assert net.full is False
    assert store.network_index(net.id).alive == 1
    assert store.graph.number_of_nodes() == 1 and store.graph.number_of_edges() == 0
    assert a.vectors() == [] and a.infos() == [] and a.transmissions() == []
    assert [n.id for n in store.open_networks()] == [net.id]


def test_nested_transactions_join_the_outer_one():
    store = GraphStore()
    with pytest.raises(ValueError), store.transaction():
        with store.transaction():
            store.add(Chain())
        raise ValueError
    assert store.count("network") == 0


def test_listeners_hear_committed_changes_once():
    store = GraphStore()
    heard: list[tuple[Any, ...]] = []
    store.listeners.append(lambda rows: heard.append(tuple(rows)))
    with store.transaction():
        net = store.add(Chain())
        net.role = "experiment"
    assert heard == [(net,)]
    with pytest.raises(KeyError), store.transaction():
        store.add(Chain())
        raise KeyError
    assert heard == [(net,)]


def test_pending_index_follows_status_and_failure():
    store = GraphStore()
    net = store.add(Chain())
    a = Node(network=net)
    net.add_node(a)
    b = Node(network=net)
    net.add_node(b)
    Info(origin=a, contents="1")
    Info(origin=a, contents="2")
    first, second = a.transmit()
    assert sorted(store.node_index(b.id).pending_in) == [first.id, second.id]
    first.fail()
    assert list(store.node_index(b.id).pending_in) == [second.id]
    b.receive()
    assert store.node_index(b.id).pending_in == {}
    assert (second.status, second.receive_time is not None) == ("received", True)
