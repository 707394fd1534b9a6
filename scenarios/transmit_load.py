"""Transmit load: a network of nodes hammering ``POST /node/<id>/transmit``.

Run it with ``simlab scenario run transmit_load --report report/``;
for the benchmark, against a served experiment and in real time:
``simlab scenario run scenarios/transmit_load.py --clock real`` (in-process) or
``--url http://127.0.0.1:5000`` (with ``simlab serve`` running this experiment).

Each bot signs up, takes a node of one FullyConnected network and writes one info,
then, until the run's duration ends, transmits that info to a neighbour it picks
(explicit ``what`` and ``to_whom``), reads its pending transmissions (which
receives them) and its received infos, and refreshes its neighbour list now and
then.  Thresholds bound the error rate and p99 latencies; the checks compare what
the server holds with what the bots were told.
"""

from __future__ import annotations

from simlab.bots.dallinger_participant import ParticipantOptions, sign_up
from simlab import Experiment, FullyConnected
from simlab import Bot, CheckContext, CheckResult, Limits, Population, Scenario, Thresholds, between, task

NODES = 20
DURATION = 8.0
TRANSMIT = "POST /node/<id>/transmit"


class LoadExperiment(Experiment):
    """One FullyConnected network large enough for any participant count."""

    experiment_repeats = 1

    def create_network(self) -> FullyConnected:
        return FullyConnected(max_size=100_000)


class Transmitter(Bot):
    """A node that keeps sending its info to neighbours and reading what it got."""

    wait_time = between(0.02, 0.1)

    async def on_start(self) -> None:
        d = self.dallinger
        pid = await sign_up(self, ParticipantOptions())
        self.node_id = int((await d.create_node(pid))["id"])
        self.info_id = int((await d.create_info(self.node_id, f"payload of bot {self.id}"))["id"])
        self.neighbors: list[int] = []
        self.sent = 0

    async def _refresh(self) -> None:
        self.neighbors = sorted(int(n["id"]) for n in await self.dallinger.get_neighbors(self.node_id, connection="to"))

    @task(6)
    async def transmit(self) -> None:
        if not self.neighbors:
            await self._refresh()
        if self.neighbors:
            to = self.choice("to_whom", self.neighbors)
            self.sent += len(await self.dallinger.transmit(self.node_id, what=self.info_id, to_whom=to))

    @task(3)
    async def receive(self) -> None:
        await self.dallinger.get_transmissions(self.node_id, status="pending")

    @task(1)
    async def read_infos(self) -> None:
        await self.dallinger.get_received_infos(self.node_id)

    @task(1)
    async def refresh_neighbors(self) -> None:
        await self._refresh()


def every_transmit_landed(ctx: CheckContext) -> CheckResult:
    """The server holds one transmission per successful transmit call (stopped calls may differ by one)."""
    held = [t for n in ctx.snapshot.nodes.values() for t in n.transmissions]
    route = ctx.stats.routes.get(TRANSMIT)
    ok_calls = route.count - route.errors if route else 0
    slack = ctx.engine.stopped  # a call cut off by the duration may have landed unanswered
    return CheckResult(
        "every_transmit_landed",
        abs(len(held) - ok_calls) <= slack and (ok_calls > 0 or ctx.engine.started < 2),
        f"{len(held)} transmissions held, {ok_calls} successful transmit calls (slack {slack})",
    )


def transmissions_follow_vectors(ctx: CheckContext) -> tuple[bool, str]:
    """Every transmission went along a live vector and carried its origin's own info."""
    nodes = ctx.snapshot.nodes
    vectors = {(int(v["origin_id"]), int(v["destination_id"])) for n in nodes.values() for v in n.vectors}
    own = {int(i["id"]): node_id for node_id, n in nodes.items() for i in n.infos}
    bad = [
        t["id"]
        for n in nodes.values()
        for t in n.transmissions
        if (int(t["origin_id"]), int(t["destination_id"])) not in vectors or own.get(int(t["info_id"])) != int(t["origin_id"])
    ]
    return not bad, f"transmissions off a vector or carrying another node's info: {bad[:10]}"


def most_were_received(ctx: CheckContext) -> tuple[bool, str]:
    """The read side kept up: at least half of the transmissions were received by the end."""
    statuses: dict[str, int] = {}
    for node in ctx.snapshot.nodes.values():
        for t in node.transmissions:
            statuses[t["status"]] = statuses.get(t["status"], 0) + 1
    total = sum(statuses.values())
    return statuses.get("received", 0) * 2 >= total, f"transmissions by status: {statuses}"


def build(participants: int = NODES) -> Scenario:
    """The scenario for ``participants`` transmitting nodes."""
    return Scenario(
        name="transmit_load",
        description=(
            f"{participants} nodes in one FullyConnected network transmitting to each other (explicit what/to_whom) "
            f"and reading their transmissions for {DURATION:g} s."
        ),
        experiment=LoadExperiment,
        populations=[Population(Transmitter, count=participants, rate=10.0)],
        limits=Limits(duration=DURATION),
        thresholds=Thresholds(max_error_rate=0.0, max_p99={TRANSMIT: 0.1, "*": 0.5}, max_failed_bots=0),
        checks=[every_transmit_landed, transmissions_follow_vectors, most_were_received],
        seed=5,
        resize=build,
    )


scenario = build()
