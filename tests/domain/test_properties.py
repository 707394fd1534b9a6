"""Property tests: random sequences of domain operations keep simlab's invariants.

Operations run the way the web layer runs them (one store transaction each,
refusals rolled back) on an experiment with one network of each common type.
After every step the store audit (``simlab.domain.audit``) recomputes every
index from the rows and checks the model rules; the machine also checks what
needs history: ids only grow and are never reused (rolled-back ones included),
every received transmission was seen pending before, and a transaction that
raises leaves the rows as they were.

Budget: ``SIMLAB_PROPERTY_EXAMPLES`` (default 40 runs of up to 40 steps);
the long run is ``SIMLAB_PROPERTY_EXAMPLES=2000 pytest tests/domain/test_properties.py``.
"""

from __future__ import annotations

import os
from itertools import count
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from simlab import Burst, Chain, Empty, Experiment, FullyConnected, Info, ScaleFree, Star
from simlab.domain import operations as ops
from simlab.domain.audit import audit
from simlab.errors import SimlabError
from simlab.store import GraphStore

EXAMPLES = int(os.environ.get("SIMLAB_PROPERTY_EXAMPLES", "40"))
NETWORKS = [
    lambda: Chain(max_size=4),
    lambda: FullyConnected(max_size=3),
    lambda: Star(max_size=4),
    lambda: Burst(max_size=3),
    lambda: Empty(max_size=2),
    lambda: ScaleFree(m0=2, m=1, max_size=5),
]


class Several(Experiment):
    """One network of each type; participants go wherever there is room."""

    experiment_repeats = len(NETWORKS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kinds = iter(NETWORKS)

    def create_network(self) -> Any:
        return next(self._kinds)()


class Rollback(Exception):
    """Raised on purpose inside a transaction."""


def rows_snapshot(store: GraphStore) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: [tuple(repr(getattr(row, c)) for c in row.columns) for row in store.rows(table)]
        for table in store.statistics()
    }


class DomainMachine(RuleBasedStateMachine):
    participants = Bundle("participants")
    nodes = Bundle("nodes")

    @initialize()
    def launch(self) -> None:
        self.store = GraphStore()
        self.exp = Several(self.store, seed=1)
        with self.store.transaction():
            ops.setup(self.exp)
        self.workers = count(1)
        self.last_ids = {t: self.store.last_id(t) for t in self.store.statistics()}
        self.seen_ids = {t: {row.id for row in self.store.rows(t)} for t in self.last_ids}
        self.seen_pending: set[int] = set()

    def run(self, work: Any) -> Any:
        """One operation as a request runs it: a transaction; a refusal changes nothing."""
        try:
            with self.store.transaction():
                return work()
        except SimlabError:
            return None

    @rule(target=participants)
    def new_participant(self) -> Any:
        n = next(self.workers)
        result = self.run(lambda: ops.create_participant(
            self.exp, worker_id=f"w{n}", hit_id="h", assignment_id=f"a{n}", mode="debug",
            recruiter_name=None, fingerprint_hash=None, entry_information=None,
        ))
        return result[0] if result else None

    @rule(target=nodes, participant=participants)
    def new_node(self, participant: Any) -> Any:
        if participant is None:
            return None
        return self.run(lambda: ops.create_node_for(self.exp, participant, ops.Properties()))

    @rule(node=nodes, contents=st.text(max_size=5))
    def new_info(self, node: Any, contents: str) -> None:
        if node is not None:
            self.run(lambda: ops.create_info(self.exp, node, Info, contents, False, ops.Properties()))

    @rule(node=nodes, other=nodes, broadcast=st.booleans())
    def transmit(self, node: Any, other: Any, broadcast: bool) -> None:
        if node is not None:
            to_whom = None if broadcast or other is None else other
            self.run(lambda: ops.transmit(self.exp, node, None, to_whom, ops.Properties()))

    @rule(node=nodes)
    def receive(self, node: Any) -> None:
        if node is not None:
            self.run(lambda: ops.transmissions(self.exp, node, "incoming", "all"))

    @rule(node=nodes)
    def fail_node(self, node: Any) -> None:
        if node is not None:
            self.run(node.fail)

    @rule(participant=participants, complete=st.booleans())
    def finish(self, participant: Any, complete: bool) -> None:
        if participant is not None:
            operation = ops.worker_complete if complete else ops.worker_failed
            self.run(lambda: operation(self.exp, participant))

    @rule(participant=participants, node=nodes)
    def raise_midway(self, participant: Any, node: Any) -> None:
        """Real writes, then an exception: the rows must be exactly as before."""
        before = rows_snapshot(self.store)

        def work() -> None:
            if participant is not None:
                ops.create_node_for(self.exp, participant, ops.Properties())
            if node is not None and not node.failed:
                ops.create_info(self.exp, node, Info, "doomed", False, ops.Properties())
                ops.transmit(self.exp, node, None, None, ops.Properties())
                node.fail()
            raise Rollback

        try:
            with self.store.transaction():
                work()
        except (Rollback, SimlabError):
            pass
        assert rows_snapshot(self.store) == before

    @invariant()
    def audit_holds(self) -> None:
        if hasattr(self, "store"):
            assert audit(self.store) == []

    @invariant()
    def ids_grow_and_are_never_reused(self) -> None:
        if not hasattr(self, "store"):
            return
        for table, last in self.last_ids.items():
            now = self.store.last_id(table)
            assert now >= last, f"{table}: the id sequence went back from {last} to {now}"
            ids = {row.id for row in self.store.rows(table)}
            new = ids - self.seen_ids[table]
            assert all(i > last for i in new), f"{table}: new ids {sorted(new)} not above {last}"
            self.seen_ids[table] |= ids
            self.last_ids[table] = now

    @invariant()
    def received_only_after_pending(self) -> None:
        if not hasattr(self, "store"):
            return
        for t in self.store.rows("transmission"):
            if t.status == "pending":
                self.seen_pending.add(t.id)
            else:
                assert t.id in self.seen_pending, f"transmission {t.id} received without being pending first"

    @invariant()
    def neighbours_are_alive(self) -> None:
        if not hasattr(self, "store"):
            return
        for node in self.store.rows("node"):
            if not node.failed:
                assert not [n.id for n in node.neighbors(direction="either") if n.failed]


DomainMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDomainMachine = DomainMachine.TestCase
