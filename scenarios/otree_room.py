"""An oTree room study fed by a survey webhook, rehearsed with bots.

Run it with ``simlab scenario run otree_room --report report/``.  Up to 12
participants take the labels of ``otree_room_labels.txt``; with ``--participants N``
above that, the room has no label file (oTree then accepts any label) and the
bots take the labels ``P0001`` ... ``PN``.

The study file's oTree side is a session config and a room ``lab`` with a label
file; its Dallinger side is two chains, "social" and "solo".  During the run:

* a survey webhook posts each label's answers (``treatment``, ``age``) to
  ``POST /api/participant_vars`` by room and label, before that participant arrives;
* an experimenter creates the session in the room, then posts session vars mid-run;
* participants arrive at ``/room/lab?participant_label=L``, are redirected into
  the experiment page and play the Dallinger chain flow; the experiment's hooks
  read the vars the webhook posted (the treatment picks the chain, and each info
  is tagged with its author's label and treatment);
* a reader polls ``get_session`` as a dashboard would.

The checks read the end state through both APIs: the webhook's vars reached every
participant who arrived, the hooks saw them, the session vars are there, and
every room participant was approved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simlab.bots.otree_callers import Experimenter, ResultsReader, SurveyWebhook, current_session_code
from simlab.bots.otree_room import room_participant
from simlab import Chain, Experiment
from simlab import CheckContext, CheckResult, Limits, Population, Scenario, Thresholds, between, constant

ROOM = "lab"
LABEL_FILE = Path(__file__).with_name("otree_room_labels.txt")
LABELS = LABEL_FILE.read_text(encoding="utf-8").split()
SESSION_VARS = [{"phase": "main", "bonus_per_point": 0.05}, {"phase": "closing"}]


def study(label_file: Path | None) -> dict[str, Any]:
    """The study settings, written as in an oTree settings.py."""
    room: dict[str, Any] = {"name": ROOM, "display_name": "Behavioural lab"}
    if label_file is not None:
        room["participant_label_file"] = str(label_file)
    return {
        "SESSION_CONFIG_DEFAULTS": {"real_world_currency_per_point": 0.01, "participation_fee": 2.0},
        "SESSION_CONFIGS": [
            {"name": "chains", "display_name": "Transmission chains by treatment", "app_sequence": ["chain"], "num_demo_participants": 2},
        ],
        "ROOMS": [room],
        "REAL_WORLD_CURRENCY_CODE": "EUR",
    }


class RoomStudyExperiment(Experiment):
    """Two chains; the webhook's ``treatment`` var decides which one a participant joins."""

    experiment_repeats = 2
    #: Room for every participant in either chain; :func:`build` sets it.
    participants = len(LABELS)

    def create_network(self) -> Chain:
        return Chain(max_size=max(self.participants, 1))

    def get_network_for_participant(self, participant: Any) -> Any:
        social, solo = sorted(self.networks(role="experiment"), key=lambda net: net.id)
        wanted = social if (participant.vars or {}).get("treatment") == "social" else solo
        joined = {node.network_id for node in participant.nodes(failed="all")}
        return None if wanted.full or wanted.id in joined else wanted

    def add_node_to_network(self, node: Any, network: Any) -> None:
        network.add_node(node)
        parents = node.neighbors(direction="from")
        if parents:
            parents[0].transmit(to_whom=node)

    def info_post_request(self, node: Any, info: Any) -> None:
        """Tag each info with what the hooks saw: its author's treatment and label."""
        participant = node.participant
        info.property1 = (participant.vars or {}).get("treatment")
        info.property2 = participant.label


# -- checks on the final state ------------------------------------------------------


def _posted(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    """The vars the webhook posted, by label (from its decision log)."""
    return {v["label"]: v["vars"] for log in ctx.decisions.values() for k, v in log if k == "participant_vars"}


def _arrived(ctx: CheckContext) -> int:
    return sum(1 for log in ctx.observations.values() for k, _ in log if k == "arrived")


async def _session(ctx: CheckContext) -> dict[str, Any]:
    code = await current_session_code(ctx.otree, ROOM)
    assert code is not None, f"room {ROOM} has no session"
    return await ctx.otree.get_session(code, participant_vars=["treatment", "age"], session_vars=["phase", "bonus_per_point"])


async def webhook_vars_reached_every_participant(ctx: CheckContext) -> CheckResult:
    """Every participant who arrived holds exactly the vars posted for its label."""
    posted = _posted(ctx)
    arrived = [p for p in (await _session(ctx))["participants"] if p["label"]]
    keys = ("treatment", "age")
    wrong = [p["label"] for p in arrived if {k: p.get(k) for k in keys} != {k: posted.get(p["label"], {}).get(k) for k in keys}]
    ok = not wrong and len(arrived) == _arrived(ctx)
    return CheckResult("webhook_vars_reached_every_participant", ok, f"{len(arrived)} arrived ({_arrived(ctx)} bots), wrong vars: {wrong}")


def hooks_saw_the_vars(ctx: CheckContext) -> CheckResult:
    """Each info is in its author's treatment chain and tagged with the posted treatment."""
    posted = _posted(ctx)
    social, solo = sorted(ctx.snapshot.networks)
    infos = [i for n in ctx.snapshot.nodes.values() for i in n.infos]
    wrong = []
    for info in infos:
        treatment = posted.get(str(info["property2"]), {}).get("treatment")
        chain = social if treatment == "social" else solo
        if treatment is None or info["property1"] != treatment or info["network_id"] != chain:
            wrong.append(info["id"])
    ok = not wrong and len(infos) == _arrived(ctx)
    return CheckResult("hooks_saw_the_vars", ok, f"{len(infos)} infos tagged by the hooks; wrong: {wrong}")


async def session_vars_posted_mid_run(ctx: CheckContext) -> tuple[bool, str]:
    """The experimenter's session vars were merged into the session."""
    detail = await _session(ctx)
    expected: dict[str, Any] = {}
    for vars in SESSION_VARS:
        expected.update(vars)
    got = {k: detail.get(k) for k in expected}
    return got == expected, f"session vars {got}, expected {expected}"


async def every_room_participant_approved(ctx: CheckContext) -> tuple[bool, str]:
    """Every participant who arrived by label ended approved (Dallinger's status; oTree's stays "")."""
    arrived = [p for p in (await _session(ctx))["participants"] if p["label"]]
    codes = {p["code"] for p in arrived}
    # a session's participants carry their oTree code as Dallinger assignment id
    mine = {ident: p for ident, p in ctx.snapshot.participants.items() if p["assignment_id"] in codes}
    bad = [ident for ident, p in mine.items() if p["status"] != "approved"]
    ok = len(mine) == len(arrived) and not bad
    return ok, f"{len(arrived)} arrived, {len(mine)} signed up; not approved: {ctx.snapshot.who(bad)}"


def build(participants: int = len(LABELS)) -> Scenario:
    """The scenario for ``participants`` room participants (one label each)."""
    if participants <= len(LABELS):
        labels, label_file = LABELS[:participants], LABEL_FILE
    else:
        labels, label_file = [f"P{i:04d}" for i in range(1, participants + 1)], None
    return Scenario(
        name="otree_room",
        description=(
            f"An oTree room of {participants} participants fed by a survey webhook: vars posted by label before arrival "
            "steer the Dallinger experiment's hooks; an experimenter creates the session and posts session vars mid-run."
        ),
        experiment=type("RoomStudyExperiment", (RoomStudyExperiment,), {"participants": participants}),
        study=study(label_file),
        settings={"otree_auth_level": "STUDY", "otree_rest_key": "rehearsal-key"},
        populations=[
            Population(
                room_participant,
                count=participants,
                rate=2.0,
                start=1.0,
                options={
                    "room": ROOM, "labels": labels, "think": between(1.0, 3.0), "poll": constant(0.5),
                    "wait_for_infos": max(60.0, 5.0 * participants),  # everyone ahead in its chain, < 5 s each
                },
            )
        ],
        callers=[
            Population(SurveyWebhook, 1, name="survey_webhook", options={"room": ROOM, "labels": labels}),
            Population(
                Experimenter, 1, name="experimenter", start=0.5,
                options={
                    "config": "chains", "num_participants": max(participants, 1), "room": ROOM,
                    "session_vars": SESSION_VARS, "first_after": 4.0,
                },
            ),
            Population(
                ResultsReader, 1, name="results_reader", start=2.0,
                options={"room": ROOM, "participant_vars": ["treatment", "age"], "session_vars": ["phase"], "reads": 4},
            ),
        ],
        limits=Limits(duration=3600),
        thresholds=Thresholds(max_error_rate=0.0, max_p99={"*": 0.5}, max_failed_bots=0),
        checks=[webhook_vars_reached_every_participant, hooks_saw_the_vars, session_vars_posted_mid_run, every_room_participant_approved],
        seed=3,
        resize=build,
    )


scenario = build()
