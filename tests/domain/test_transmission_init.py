"""Transmission's fast constructor sets exactly the columns the generic one does."""

from __future__ import annotations

from simlab import Chain, Experiment, Info, Node, Transmission


def test_fast_and_generic_transmission_columns_agree() -> None:
    exp = Experiment()
    net = Chain()
    exp.store.add(net)
    a, b = Node(network=net), Node(network=net)
    net.add_node(a)
    net.add_node(b)
    info = Info(origin=a, contents="x")
    vector = a.vectors("outgoing")[0]
    fast = Transmission(vector=vector, info=info)
    generic = Transmission(vector=vector, info=info, property1=None)
    for column in Transmission.columns:
        if column in ("id", "creation_time"):
            continue
        assert getattr(fast, column) == getattr(generic, column), column
    assert fast.details is not generic.details
