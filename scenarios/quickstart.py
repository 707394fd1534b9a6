"""Quickstart: one Chain of participants passing a story along, checked at the end.

Run it with ``simlab scenario run quickstart --report report/`` (20 participants;
``--participants N`` builds a chain of N for N bots).
Every participant signs up, gets the next node of the chain, reads the story its
parent transmitted, retells it and passes it on; then answers the questionnaire
and completes.  The checks read the final state back through the API.
"""

from __future__ import annotations

from simlab.bots.dallinger_participant import participant
from simlab import Chain, Experiment
from simlab import CheckContext, CheckResult, Limits, Population, Scenario, Thresholds, between, constant

PARTICIPANTS = 20


class ChainExperiment(Experiment):
    """One chain with room for every participant; a newcomer is handed its parent's story.

    As in Dallinger's Bartlett (1932) demo: participants arrive concurrently, so the
    parent may have written before its child existed; the experiment transmits the
    parent's infos to the new node when it joins (a later transmit reaches it too).
    """

    experiment_repeats = 1
    #: The chain's length; :func:`build` sets it to the population's size.
    participants = PARTICIPANTS

    def create_network(self) -> Chain:
        return Chain(max_size=self.participants)

    def add_node_to_network(self, node, network) -> None:  # type: ignore[no-untyped-def]
        network.add_node(node)
        parents = node.neighbors(direction="from")
        if parents:
            parents[0].transmit(to_whom=node)


def chain_is_full(ctx: CheckContext) -> CheckResult:
    """The one network holds one live node per finished participant, linked in a line."""
    snap = ctx.snapshot
    if len(snap.networks) != 1:
        return CheckResult("chain_is_full", False, f"expected 1 network, found {len(snap.networks)}")
    net = next(iter(snap.networks.values()))
    nodes = snap.nodes_in(int(net["id"]))
    vectors = sum(len(n.vectors) for n in nodes)
    ok = len(nodes) == ctx.engine.finished and vectors == max(len(nodes) - 1, 0)
    return CheckResult(
        "chain_is_full", ok, f"network {net['id']}: {len(nodes)} nodes, {vectors} vectors, {ctx.engine.finished} finished bots"
    )


def every_participant_approved(ctx: CheckContext) -> tuple[bool, str]:
    """Every participant who signed up ended approved (no drop-outs in this scenario)."""
    participants = ctx.snapshot.participants
    bad = [ident for ident, p in participants.items() if p["status"] != "approved"]
    return not bad and len(participants) == ctx.engine.started, (
        f"{len(participants)} participants for {ctx.engine.started} bots, not approved: {ctx.snapshot.who(bad)}"
    )


def nothing_left_pending(ctx: CheckContext) -> tuple[bool, str]:
    """No story is left undelivered: a pending transmission only repeats one already received.

    (A parent's own transmit may repeat what the experiment already sent its child on joining.)
    """
    transmissions = [t for n in ctx.snapshot.nodes.values() for t in n.transmissions]
    received = {(t["destination_id"], t["info_id"]) for t in transmissions if t["status"] == "received"}
    pending = [t for t in transmissions if t["status"] == "pending"]
    lost = [t["id"] for t in pending if (t["destination_id"], t["info_id"]) not in received]
    return len(lost) <= 1, f"{len(pending)} pending ({len(pending) - len(lost)} repeats of received stories), undelivered: {lost}"


def build(participants: int = PARTICIPANTS) -> Scenario:
    """The scenario for ``participants`` bots (``--participants`` calls this): a chain as long."""
    return Scenario(
        name="quickstart",
        description=f"A Chain of {participants} participants retelling a story (Bartlett-style), all approved.",
        experiment=type("ChainExperiment", (ChainExperiment,), {"participants": participants}),
        populations=[
            Population(
                participant,
                count=participants,
                rate=4.0,
                # a newcomer waits for everyone ahead of it in the chain (< 3 s each: think and poll)
                options={"think": between(0.2, 1.0), "poll": constant(0.25), "wait_for_infos": max(30.0, 3.0 * participants)},
            )
        ],
        limits=Limits(duration=3600),
        thresholds=Thresholds(max_error_rate=0.0, max_p99={"*": 0.5}, max_failed_bots=0),
        checks=[chain_is_full, every_participant_approved, nothing_left_pending],
        seed=2024,
        resize=build,
    )


scenario = build()
