"""The oTree bots (webhook, experimenter, reader, room participant) against the in-process app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trio
from quart_trio import QuartTrio

from simlab.bots.otree_callers import Experimenter, ResultsReader, SurveyWebhook
from simlab.bots.otree_room import route_name, room_participant, split_options
from simlab import Chain, Experiment, Settings
from simlab.domain.otree import StudySettings
from simlab.engine import ClientSource, DallingerClient, Engine, Events, Population, RunStats, Target, constant
from simlab.web import create_app

KEY = "test-key"
LABELS = ["A1", "A2", "A3"]
FAST = {"think": constant(0.1), "read": constant(0.1), "poll": constant(0.1)}


class TreatmentChains(Experiment):
    """Two chains; the REST-posted treatment picks one (the hook under test)."""

    experiment_repeats = 2

    def create_network(self) -> Any:
        return Chain(max_size=10)

    def get_network_for_participant(self, participant: Any) -> Any:
        first, second = sorted(self.networks(role="experiment"), key=lambda n: n.id)
        wanted = first if (participant.vars or {}).get("treatment") == "social" else second
        return None if wanted.id in {n.network_id for n in participant.nodes(failed="all")} else wanted


@pytest.fixture(name="app")
def _app(tmp_path: Path) -> QuartTrio:
    (tmp_path / "labels.txt").write_text("\n".join(LABELS), encoding="utf-8")
    study = StudySettings.from_namespace(
        {"SESSION_CONFIGS": [{"name": "s", "app_sequence": []}], "ROOMS": [{"name": "lab", "participant_label_file": "labels.txt"}]},
        tmp_path,
    )
    settings = Settings(seed=1, otree_auth_level="STUDY", otree_rest_key=KEY)
    return create_app(TreatmentChains, settings=settings, study=study)


async def run(app: QuartTrio, *pops: Population, seed: int = 1) -> tuple[Engine, RunStats]:
    source = ClientSource(Target.in_process(app))
    events = Events()
    stats = RunStats(origin=trio.current_time()).attach(events)
    async with source.open(), source.client() as http:
        await DallingerClient(http, Events()).launch()
    engine = Engine(list(pops), source, seed=seed, events=events, otree_rest_key=KEY)
    await engine.run()
    return engine, stats


def log(engine: Engine, label: str) -> list[Any]:
    """Entries of ``label`` in the bots' decisions and observations."""
    logs = [*engine.decisions.values(), *engine.observations.values()]
    return [v for entries in logs for k, v in entries if k == label]


def callers(session_vars: list[dict[str, Any]], *, by_room: bool = False, start: float = 0.5) -> list[Population]:
    return [
        Population(SurveyWebhook, 1, options={"room": "lab", "labels": LABELS}),
        Population(
            Experimenter, 1, start=start,
            options={"config": "s", "num_participants": 3, "room": "lab", "session_vars": session_vars, "first_after": 2.0, "by_room": by_room},
        ),
    ]


async def test_webhook_vars_reach_room_participants_and_steer_the_hooks(app: QuartTrio, autojump_clock: Any) -> None:
    reader = Population(ResultsReader, 1, start=6.0, options={"room": "lab", "participant_vars": ["treatment"], "reads": 2})
    room = Population(room_participant, 3, rate=1.0, start=1.0, options={"room": "lab", "labels": LABELS, **FAST})
    engine, stats = await run(app, room, *callers([{"phase": "main"}, {"round": 2}]), reader)
    assert engine.statistics().failed == 0 and engine.statistics().finished == 6
    store = app.extensions["simlab"].store
    posted = {v["label"]: v["vars"] for v in log(engine, "participant_vars")}
    assert sorted(posted) == LABELS
    (session,) = store.rows("session")
    assert session.vars == {"phase": "main", "round": 2}
    first_net = min(n.id for n in store.rows("network"))
    for p in store.participants_of_session(session.code):
        assert p.vars == posted[p.label] and p.status == "approved"
        (node,) = store.nodes_of_participant(p.id)
        assert (node.network_id == first_net) == (posted[p.label]["treatment"] == "social")
    arrivals = log(engine, "arrived")
    assert sorted(a["label"] for a in arrivals) == LABELS and all(a["code"] for a in arrivals)
    assert log(engine, "read")[-1] == {"arrived": 3, "with_vars": 3}
    for name in ("GET /room/<room>", "GET /InitializeParticipant/<code>", "GET /exp", "POST /api/participant_vars"):
        assert stats.routes[name].count == 3 and stats.routes[name].errors == 0
    assert stats.routes["POST /api/session_vars/<code>"].count == 2


async def test_room_participant_waits_for_the_session(app: QuartTrio, autojump_clock: Any) -> None:
    # the participant arrives at t=0; the experimenter creates the session at t=3 (by-room vars form)
    room = Population(room_participant, 1, options={"room": "lab", "labels": LABELS, "session_poll": constant(1.0), **FAST})
    engine, stats = await run(app, room, *callers([{"phase": "late"}], by_room=True, start=3.0))
    assert engine.statistics().failed == 0
    assert stats.routes["GET /room/<room>"].count >= 4  # waiting pages, then the redirect
    assert stats.routes["POST /api/session_vars"].count == 1
    (session,) = app.extensions["simlab"].store.rows("session")
    assert session.vars == {"phase": "late"}


async def test_room_participant_gives_up_without_a_session(app: QuartTrio, autojump_clock: Any) -> None:
    room = Population(room_participant, 1, options={"room": "lab", "labels": LABELS, "wait_for_session": 3.0, **FAST})
    engine, _ = await run(app, room)
    assert engine.statistics().failed == 1


async def test_bad_options_fail_the_bot_with_a_clear_message(app: QuartTrio, autojump_clock: Any) -> None:
    errors: list[str | None] = []
    pops = [
        Population(SurveyWebhook, 1, options={"room": "lab", "lables": LABELS}),
        Population(room_participant, 1, options={"room": "lab", "labels": []}),
    ]
    engine = Engine(pops, ClientSource(Target.in_process(app)), seed=1, otree_rest_key=KEY)
    engine.events.bot_stopped.add_listener(lambda event: errors.append(event.error))
    await engine.run()
    assert engine.statistics().failed == 2
    assert any("unknown options ['lables']" in (e or "") for e in errors)
    assert any("has no label" in (e or "") for e in errors)


def test_split_options_and_route_names() -> None:
    room, opts = split_options({"room": "lab", "labels": ["x"], "drop_out": 0.5})
    assert room.room == "lab" and room.labels == ["x"] and opts.drop_out == 0.5
    with pytest.raises(ValueError, match="room"):
        split_options({"labels": ["x"]})
    with pytest.raises(ValueError, match="unknown"):
        split_options({"room": "lab", "nonsense": 1})
    assert route_name("/room/lab") == "GET /room/<room>"
    assert route_name("/InitializeParticipant/abc") == "GET /InitializeParticipant/<code>"
    assert route_name("/exp") == "GET /exp"
