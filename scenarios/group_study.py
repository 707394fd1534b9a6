"""A FullyConnected group study: small groups share estimates, rehearsed with bots.

Run it with ``simlab scenario run group_study --report report/``.
Participants fill groups of four one at a time (four FullyConnected networks for
the default 16 participants; ``--participants N`` makes N / 4 groups, the last
one partial when N is not a multiple of four).
Each writes an estimate (how many beans in a jar?) and transmits it to all its
neighbours; as later members join it sends its estimate on to them
(``transmit`` with explicit ``what``/``to_whom``), and it stays until it has heard
from the whole group.  The checks read the final graph back through the API:
every group is full and every node received every other node's estimate.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from simlab.bots.dallinger_participant import ParticipantOptions, participant
from simlab import Experiment, FullyConnected
from simlab import Bot, CheckContext, CheckResult, Limits, Population, Scenario, Thresholds, between, constant

GROUPS = 4
GROUP_SIZE = 4
#: How long a member waits for the rest of its group (seconds).
GROUP_WAIT = 30.0


class GroupExperiment(Experiment):
    """Groups of GROUP_SIZE, filled one after another as a waiting room would."""

    experiment_repeats = GROUPS  # build() sets it for the population

    def create_network(self) -> FullyConnected:
        return FullyConnected(max_size=GROUP_SIZE)

    def choose_network(self, networks: list[Any], participant: Any) -> Any:
        return min(networks, key=lambda net: net.id)


async def share_with_group(bot: Bot, opts: ParticipantOptions, node: dict[str, Any]) -> None:
    """Post an estimate, send it to every neighbour (newcomers too), wait to hear from all."""
    d = bot.dallinger
    node_id = int(node["id"])
    group = int((await d.get_network(int(node["network_id"])))["max_size"])
    await bot.think(opts.think)
    estimate = bot.decide("estimate", bot.random.randint(200, 900))
    info = await d.create_info(node_id, f"{bot.persona.name.split()[0]} guesses {estimate} beans")
    sent: set[int] = set()
    heard: set[int] = set()
    waited = 0.0
    while True:
        others = {int(n["id"]) for n in await d.get_neighbors(node_id, connection="to")}
        if others - sent:
            if not sent:
                await d.transmit(node_id)  # everything I have, to every neighbour
            else:
                for other in sorted(others - sent):
                    await d.transmit(node_id, what=int(info["id"]), to_whom=other)
            sent |= others
        await d.get_transmissions(node_id)  # receive what is pending
        heard = {int(i["origin_id"]) for i in await d.get_received_infos(node_id)}
        if (len(others) >= group - 1 and others <= heard) or waited >= GROUP_WAIT:
            break
        waited += await bot.poll_wait(opts.poll)
    bot.observe("heard_from", len(heard))


def _groups(ctx: CheckContext) -> dict[int, list[Any]]:
    """Each network's nodes (all are participants' here: the experiment adds no sources)."""
    return {net: ctx.snapshot.nodes_in(net) for net in sorted(ctx.snapshot.networks)}


def groups_filled_in_order(ctx: CheckContext) -> CheckResult:
    """Groups fill one after another: full groups, then at most one partial, then empty ones."""
    groups = _groups(ctx)
    sizes = [len(nodes) for nodes in groups.values()]
    people = len(ctx.snapshot.participants)
    full, rest = divmod(min(people, len(groups) * GROUP_SIZE), GROUP_SIZE)
    expected = [GROUP_SIZE] * full + ([rest] if rest else [])
    expected += [0] * (len(groups) - len(expected))
    return CheckResult("groups_filled_in_order", sizes == expected, f"group sizes {sizes}, expected {expected}")


def everyone_heard_everyone(ctx: CheckContext) -> CheckResult:
    """In every group, each node received each other node's estimate."""
    missing: list[str] = []
    pairs = 0
    for net, nodes in _groups(ctx).items():
        for sender in nodes:
            if not sender.infos:
                missing.append(f"node {sender.id} wrote nothing")
                continue
            info_id = sender.infos[0]["id"]
            got = {t["destination_id"] for t in sender.transmissions if t["info_id"] == info_id and t["status"] == "received"}
            for receiver in nodes:
                if receiver.id != sender.id:
                    pairs += 1
                    if receiver.id not in got:
                        missing.append(f"{sender.id}->{receiver.id} (network {net})")
    alone = len(ctx.snapshot.participants) < 2  # nobody to hear from
    ok = not missing and (pairs > 0 or alone)
    return CheckResult("everyone_heard_everyone", ok, f"{pairs} sender/receiver pairs; missing {missing[:5]}")


def nothing_left_pending(ctx: CheckContext) -> tuple[bool, str]:
    """Every transmission was received (members stay until they have heard from all)."""
    pending = [t["id"] for n in ctx.snapshot.nodes.values() for t in n.transmissions if t["status"] == "pending"]
    return not pending, f"pending transmissions: {pending[:10]}"


def every_participant_approved(ctx: CheckContext) -> tuple[bool, str]:
    """Every bot signed up once and ended approved."""
    statuses = Counter(p["status"] for p in ctx.snapshot.participants.values())
    n = sum(statuses.values())
    bad = [ident for ident, p in ctx.snapshot.participants.items() if p["status"] != "approved"]
    return statuses["approved"] == n == ctx.engine.started, (
        f"{n} participants for {ctx.engine.started} bots: {dict(statuses)}; not approved: {ctx.snapshot.who(bad)}"
    )


def build(participants: int = GROUPS * GROUP_SIZE) -> Scenario:
    """The scenario for ``participants`` bots: as many groups as they fill."""
    groups = max(1, -(-participants // GROUP_SIZE))
    return Scenario(
        name="group_study",
        description=(
            f"{groups} FullyConnected groups of {GROUP_SIZE}: each member sends its estimate to every other member "
            "and waits to hear from the whole group."
        ),
        experiment=type("GroupExperiment", (GroupExperiment,), {"experiment_repeats": groups}),
        populations=[
            Population(
                participant,
                count=participants,
                rate=2.0,
                options={"think": between(1.0, 3.0), "read": between(0.5, 1.5), "poll": constant(1.0), "on_node": share_with_group},
            )
        ],
        limits=Limits(duration=3600),
        thresholds=Thresholds(max_error_rate=0.0, max_p99={"*": 0.5}, max_failed_bots=0),
        checks=[groups_filled_in_order, everyone_heard_everyone, nothing_left_pending, every_participant_approved],
        seed=7,
        resize=build,
    )


scenario = build()
