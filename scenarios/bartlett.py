"""A transmission-chain study in the style of Bartlett (1932), rehearsed with bots.

Run it with ``simlab scenario run bartlett --report report/``
(18 participants; ``--participants N`` makes each chain N / 3 long).
Three Chains each start at a source holding the opening of "The War of the Ghosts".
Each participant joins the shortest chain, reads the story its parent passed on,
writes a retelling (dropping or swapping a word now and then) and passes it on,
then answers the questionnaire.  The checks read the final graph back through the
API: the chains are as long as they should be, each retelling derives from its
parent's, nothing was left undelivered, and every participant was approved.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from simlab.bots.dallinger_participant import participant
from simlab import Chain, Experiment, Source
from simlab import CheckContext, CheckResult, Limits, Population, Scenario, Thresholds, between, constant

CHAINS = 3
#: Participants per chain by default (the source is one more node).
LENGTH = 6

STORY = (
    "One night two young men from Egulac went down to the river to hunt seals and while they were there "
    "it became foggy and calm then they heard war cries and they thought maybe this is a war party"
)


class WarOfTheGhostsSource(Source):
    """Holds the story; a chain's first participant receives it from here."""

    __mapper_args__ = {"polymorphic_identity": "war_of_the_ghosts_source"}

    def _contents(self) -> str:
        return STORY


class BartlettExperiment(Experiment):
    """Chains fed by a story source; a newcomer is handed its parent's latest retelling.

    As in Dallinger's Bartlett (1932) demo: when a node joins, its parent transmits
    to it (the source makes the story then; a participant parent sends what it
    wrote, if anything: otherwise its later transmit reaches the child).
    """

    experiment_repeats = CHAINS
    #: Participants per chain; :func:`build` sizes it for the population.
    length = LENGTH

    def create_network(self) -> Chain:
        return Chain(max_size=self.length + 1)

    def setup(self) -> None:
        fresh = not self.networks()
        super().setup()
        if fresh:
            for network in self.networks():
                WarOfTheGhostsSource(network=network)

    def choose_network(self, networks: list[Any], participant: Any) -> Any:
        """The shortest open chain (lowest id on ties), so chains grow evenly."""
        return min(networks, key=lambda net: (net.size(), net.id))

    def add_node_to_network(self, node: Any, network: Any) -> None:
        network.add_node(node)
        parents = node.neighbors(direction="from")
        if parents:
            parents[0].transmit(to_whom=node)


# -- checks on the final state ------------------------------------------------------


def _chains(ctx: CheckContext) -> dict[int, list[Any]]:
    return {net_id: ctx.snapshot.nodes_in(net_id) for net_id in sorted(ctx.snapshot.networks)}


def every_chain_has_its_length(ctx: CheckContext) -> CheckResult:
    """Each chain is a line from its source, and the participants are spread evenly.

    With a population of CHAINS * length that is "every chain has length nodes".
    """
    chains = _chains(ctx)
    people = len(ctx.snapshot.participants)
    expected = sorted(people // CHAINS + (i < people % CHAINS) for i in range(CHAINS))
    sizes, problems = [], []
    for net_id, nodes in chains.items():
        people_nodes = [n for n in nodes if n.participant_id is not None]
        sizes.append(len(people_nodes))
        if not people_nodes:
            continue  # a lone source has no neighbours, so the API never shows which network it is in
        sources = [n for n in nodes if n.type == "war_of_the_ghosts_source"]
        vectors = [v for n in nodes for v in n.vectors]
        if len(sources) != 1 or len(vectors) != len(nodes) - 1 or any(len(n.vectors) > 1 for n in nodes):
            problems.append(f"network {net_id} is not one line from one source")
    ok = len(chains) == CHAINS and sorted(sizes) == expected and not problems
    return CheckResult("every_chain_has_its_length", ok, f"participant nodes per chain {sizes}, expected {expected} {problems}")


def each_info_derives_from_its_parents(ctx: CheckContext) -> CheckResult:
    """Every participant received its parent's info and wrote a retelling of it.

    A retelling only drops or swaps words, so its words are a sub-multiset of the parent's.
    """
    nodes = ctx.snapshot.nodes
    parent = {int(v["destination_id"]): int(v["origin_id"]) for n in nodes.values() for v in n.vectors}
    bad: list[str] = []
    checked = 0
    for node in nodes.values():
        if node.participant_id is None:
            continue
        checked += 1
        up = nodes.get(parent.get(node.id, -1))
        if up is None or len(node.infos) != 1 or not up.infos:
            bad.append(f"node {node.id}: parent {parent.get(node.id)}, {len(node.infos)} infos")
            continue
        source_info = max(up.infos, key=lambda i: i["id"])
        got = {t["info_id"] for t in up.transmissions if t["destination_id"] == node.id and t["status"] == "received"}
        words, parent_words = Counter(node.infos[0]["contents"].split()), Counter(source_info["contents"].split())
        if source_info["id"] not in got or words - parent_words:
            bad.append(f"node {node.id}: not a retelling of info {source_info['id']}")
    return CheckResult("each_info_derives_from_its_parents", not bad and checked > 0, f"{checked} retellings checked; {bad[:5]}")


def nothing_left_pending(ctx: CheckContext) -> tuple[bool, str]:
    """No info is left undelivered: a pending transmission is only a repeat of one received."""
    transmissions = [t for n in ctx.snapshot.nodes.values() for t in n.transmissions]
    received = {(t["destination_id"], t["info_id"]) for t in transmissions if t["status"] == "received"}
    pending = [t for t in transmissions if t["status"] == "pending"]
    lost = [t["id"] for t in pending if (t["destination_id"], t["info_id"]) not in received]
    return not lost, f"{len(pending)} pending ({len(pending) - len(lost)} repeats of received infos), undelivered: {lost}"


def every_participant_approved(ctx: CheckContext) -> tuple[bool, str]:
    """Every bot signed up once and ended approved."""
    statuses = Counter(p["status"] for p in ctx.snapshot.participants.values())
    n = sum(statuses.values())
    bad = [ident for ident, p in ctx.snapshot.participants.items() if p["status"] != "approved"]
    return statuses["approved"] == n == ctx.engine.started, (
        f"{n} participants for {ctx.engine.started} bots: {dict(statuses)}; not approved: {ctx.snapshot.who(bad)}"
    )


def build(participants: int = CHAINS * LENGTH) -> Scenario:
    """The scenario for ``participants`` bots: chains long enough to hold them all."""
    length = max(1, -(-participants // CHAINS))
    return Scenario(
        name="bartlett",
        description=(
            f"{CHAINS} transmission chains of up to {length} participants retelling 'The War of the Ghosts' "
            "(Bartlett, 1932): each retelling derives from its parent's, all participants approved."
        ),
        experiment=type("BartlettExperiment", (BartlettExperiment,), {"length": length}),
        populations=[
            Population(
                participant,
                count=participants,
                rate=3.0,
                # a newcomer waits for everyone ahead of it in its chain (< 6 s each: think and poll)
                options={
                    "think": between(1.0, 4.0), "read": between(0.5, 2.0), "poll": constant(0.5),
                    "wait_for_infos": max(120.0, 6.0 * length),
                },
            )
        ],
        limits=Limits(duration=3600),
        thresholds=Thresholds(max_error_rate=0.0, max_p99={"*": 0.5}, max_failed_bots=0),
        checks=[every_chain_has_its_length, each_info_derives_from_its_parents, nothing_left_pending, every_participant_approved],
        seed=1932,
        resize=build,
    )


scenario = build()
