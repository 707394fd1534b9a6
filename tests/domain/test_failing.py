"""Failing and its cascades, with ``failed_reason`` chains (spec 6.1), and model rules (6.3)."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Chain, Info, Node, Transformation
from simlab.errors import ModelError


@pytest.fixture(name="world")
def _world(store: Any, participant: Any) -> dict[str, Any]:
    """Chain a → b → c of one network; a's info sent to b and received; b made a transformation."""
    net = store.add(Chain())
    p = participant()
    a = Node(network=net, participant=p)
    net.add_node(a)
    b = Node(network=net, participant=participant())
    net.add_node(b)
    c = Node(network=net, participant=participant())
    net.add_node(c)
    info = Info(origin=a, contents="x")
    (sent,) = a.transmit()
    b.receive()
    out = Info(origin=b, contents="y")
    trans = Transformation(info_in=info, info_out=out)
    return dict(net=net, p=p, a=a, b=b, c=c, info=info, sent=sent, out=out, trans=trans)


def test_network_failure_chains_reasons(world):
    world["net"].fail("Too many bananas")
    assert (world["net"].failed_reason, world["net"].time_of_death is not None) == ("Too many bananas", True)
    # "{reason}->{ClassName}{id}": the class is the network's own (Chain), as in Dallinger.
    assert world["a"].failed_reason == "Too many bananas->Chain1"
    ab = world["a"].vectors(failed=True)[0]
    assert ab.failed_reason == "Too many bananas->Chain1->Node1"
    assert world["info"].failed_reason == "Too many bananas->Chain1->Node1"
    assert world["sent"].failed_reason == "Too many bananas->Chain1->Node1->Vector1"
    assert world["trans"].failed_reason == "Too many bananas->Chain1->Node1->Info1"


def test_node_failure_without_reason(world):
    world["b"].fail()
    assert (world["b"].failed, world["b"].failed_reason) == (True, None)
    assert {v.failed_reason for v in world["b"].vectors(failed=True)} == {"->Node2"}
    assert world["out"].failed_reason == "->Node2"
    assert world["trans"].failed is True
    # Vectors fail first, so the transmission's reason goes through its vector.
    assert world["sent"].failed_reason == "->Node2->Vector1"
    assert world["a"].failed is False and world["info"].failed is False
    assert world["a"].neighbors() == []


def test_info_failure_fails_transmissions_and_transformations(world):
    world["info"].fail("bad")
    assert world["sent"].failed_reason == "bad->Info1"
    assert world["trans"].failed_reason == "bad->Info1"
    assert world["b"].received_infos() == []


def test_vector_failure_fails_transmissions(world):
    vector = world["sent"].vector
    vector.fail()
    assert world["sent"].failed_reason == "->Vector1"


def test_participant_failure_fails_nodes_and_questions(world, exp):
    from simlab import Question

    q = Question(participant=world["p"], question="q", response="r", number=1)
    world["p"].fail("gone")
    assert world["a"].failed_reason == "gone->Participant1"
    assert q.failed_reason == "gone->Participant1"
    assert world["b"].failed is False


def test_fail_participant_keeps_the_row_alive(world, exp):
    exp.fail_participant(world["p"])
    assert world["p"].failed is False
    assert world["a"].failed is True and world["a"].failed_reason is None


def test_failing_twice_raises(world):
    world["a"].fail()
    with pytest.raises(ModelError):
        world["a"].fail()


def test_failed_objects_are_hidden_from_listings(world):
    world["c"].fail()
    assert world["net"].nodes() == [world["a"], world["b"]]
    assert world["net"].size() == 2
    assert world["b"].vectors("outgoing") == []
    assert world["b"].neighbors() == []


def test_model_rules(world, store):
    a, b, c = world["a"], world["b"], world["c"]
    with pytest.raises(ModelError):
        world["info"].contents = "again"
    with pytest.raises(ModelError):
        a.connect(whom=a)
    other = store.add(Chain())
    stranger = Node(network=other)
    with pytest.raises(ModelError):
        a.connect(whom=stranger)
    assert a.connect(whom=b) == []
    with pytest.raises(ModelError):
        a.transmit(to_whom=c)
    with pytest.raises(ModelError):
        b.transmit(what=world["info"], to_whom=c)
    c.fail()
    with pytest.raises(ModelError):
        Info(origin=c, contents="z")
    assert Info(origin=c, contents="z", failed=True).failed is True
    with pytest.raises(ModelError):
        c.receive()
