"""A small study touching every table the loader files (shared by the loading tests)."""

from __future__ import annotations

from simlab import Agent, Chain, Experiment, Info, Node
from simlab.domain import operations as ops


class Memo(Info):
    __mapper_args__ = {"polymorphic_identity": "memo"}


class Study(Experiment):
    experiment_repeats = 2

    def create_network(self):
        return Chain(max_size=6)


def make_study() -> Study:
    exp = Study()
    with exp.store.transaction():
        exp.setup()
    for k in range(5):
        with exp.store.transaction():
            p, _ = ops.create_participant(exp, worker_id=f"w{k}", hit_id="h", assignment_id=f"a{k}", mode="debug",
                                          recruiter_name=None, fingerprint_hash=None, entry_information={"k": k})
            ops.add_question(exp, p, "q", '{"a": 1}', 1)
    net = exp.networks()[0]
    nodes = []
    for k in range(5):
        with exp.store.transaction():
            node = Agent(network=net) if k % 2 else Node(network=net)
            net.add_node(node)
            nodes.append(node)
    with exp.store.transaction():
        for k, node in enumerate(nodes[:-1]):
            info = (Memo if k % 2 else Info)(origin=node, contents=f"c{k}", details={"k": [k]})
            node.transmit(what=info)
            if k % 2:
                nodes[k + 1].receive()
        Info(origin=nodes[0])  # pending (no contents)
        Info(origin=nodes[1], contents="x").fail("bad")
        nodes[2].replicate(nodes[1].infos()[0])
        nodes[4].fail("gone")
        exp.store.get("participant", 1).status = "approved"
    return exp
