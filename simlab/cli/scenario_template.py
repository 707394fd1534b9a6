"""The starting scenario ``simlab scenario new`` writes (it runs and passes as written)."""

TEMPLATE = '''"""NAME: a starting scenario (written by ``simlab scenario new``).

Run it:    simlab scenario run NAME.py --report report/
Scale it:  simlab scenario run NAME.py --participants 50 --seed 7
Against a server already running this experiment (``simlab serve NAME.py``):
           simlab scenario run NAME.py --url http://127.0.0.1:5000

A scenario file defines ``scenario = Scenario(...)``: the experiment to serve, the
bot populations (participants, rescaled by ``--participants``), external callers
(never rescaled), limits, thresholds on the request stats, and checks on the final
state, which the engine reads back through the API after the bots are done.
"""

from __future__ import annotations

from collections import Counter

from simlab import Chain, Experiment
from simlab.bots.dallinger_participant import participant  # a ready bot: sign up -> node -> info -> complete
from simlab import Bot, CheckContext, CheckResult, Limits, Population, Scenario, StopBot, Thresholds, between, task

PARTICIPANTS = 10


class NAMEExperiment(Experiment):
    """The experiment, written as a Dallinger experiment.py (import from simlab, not dallinger)."""

    experiment_repeats = 1
    #: The chain's length; build() sets it to the number of participant bots.
    participants = PARTICIPANTS

    def create_network(self) -> Chain:
        return Chain(max_size=self.participants)


class Observer(Bot):
    """A bot of your own, as Locust-shaped tasks: an observer reading GET /summary now and then.

    Tasks are picked by weight with the bot's seeded generator; ``wait_time`` is the
    pause between them.  Record what the seed decided with ``self.decide`` /
    ``self.choice`` / ``self.chance`` (the report digests these), and what the server
    answered with ``self.observe`` (kept in the log, not digested).
    """

    wait_time = between(2.0, 5.0)

    async def on_start(self) -> None:
        self.reads = 0

    @task
    async def read_summary(self) -> None:
        summary = await self.dallinger.summary()
        self.observe("summary", summary.get("summary"))
        self.reads += 1
        if self.reads >= 3:
            raise StopBot  # ends the bot normally


def every_participant_approved(ctx: CheckContext) -> CheckResult:
    """A check of your own: it gets the final state (ctx.snapshot), the stats and the bot counts."""
    statuses = Counter(p["status"] for p in ctx.snapshot.participants.values())
    n = sum(statuses.values())
    return CheckResult("every_participant_approved", statuses["approved"] == n, f"{n} participants: {dict(statuses)}")


def one_chain_holds_everyone(ctx: CheckContext) -> tuple[bool, str]:
    """Checks may also return (passed, message) or a bool: one node per participant, linked in a line."""
    sizes = [len(ctx.snapshot.nodes_in(net_id)) for net_id in ctx.snapshot.networks]
    vectors = sum(len(node.vectors) for node in ctx.snapshot.nodes.values())
    people = len(ctx.snapshot.participants)
    return sizes == [people] and vectors == max(people - 1, 0), f"nodes per network {sizes}, {vectors} vectors, {people} participants"


def build(participants: int = PARTICIPANTS) -> Scenario:
    """The scenario for a population of ``participants`` (``--participants`` calls this)."""
    return Scenario(
        name="NAME",
        description=f"A chain of {participants} participants retelling a story, watched by an observer.",
        experiment=type("NAMEExperiment", (NAMEExperiment,), {"participants": participants}),
        populations=[
            # the ready participant bot; options are its ParticipantOptions fields
            Population(participant, count=participants, rate=2.0, options={"think": between(1.0, 3.0)}),
        ],
        callers=[Population(Observer, count=1, name="observer", start=5.0)],
        limits=Limits(duration=600),  # seconds of run time (virtual in process: costs no real time)
        thresholds=Thresholds(max_error_rate=0.0, max_p99={"*": 0.5}, max_failed_bots=0),
        checks=[every_participant_approved, one_chain_holds_everyone],
        seed=1,
        resize=build,
    )


scenario = build()
'''
