"""The in-process server of a run: study settings, bot sessions, the REST key."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Experiment
from simlab.engine import Bot, Population, RunOptions, Scenario, StopBot, task
from simlab.runs.inprocess import build_app
from simlab import run_scenario

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "study" / "study.py"


def mock_exogenous_data(session: Any) -> None:
    for p in session.get_participants():
        p.vars["mocked"] = p.id_in_session


STUDY = {
    "SESSION_CONFIGS": [{"name": "bots", "app_sequence": [], "mock_exogenous_data": True}],
    "ROOMS": [{"name": "lab"}],
    "mock_exogenous_data": mock_exogenous_data,
}


def scenario(**kw: Any) -> Scenario:
    return Scenario("s", populations=[], experiment=kw.pop("experiment", Experiment), **kw)


def test_study_mapping_and_bot_sessions_run_mock_exogenous_data_outside_rooms() -> None:
    sessions = [{"config": "bots", "num_participants": 2}, {"config": "bots", "num_participants": 2, "room": "lab"}]
    app = build_app(scenario(study=STUDY, sessions=sessions), seed=1)
    study, store = app.extensions["simlab.study"], app.extensions["simlab"].store
    assert [r.name for r in study.rooms] == ["lab"]
    plain, in_room = store.rows("session")
    assert plain.is_demo and plain.room_name is None and in_room.room_name == "lab"
    assert [p.vars for p in store.participants_of_session(plain.code)] == [{"mocked": 1}, {"mocked": 2}]
    # issue 7: never for sessions created in a room
    assert [p.vars for p in store.participants_of_session(in_room.code)] == [{}, {}]


def test_study_comes_from_the_experiment_file_or_a_study_file() -> None:
    from_experiment = build_app(scenario(experiment=str(EXAMPLE)), seed=1)
    assert [r.name for r in from_experiment.extensions["simlab.study"].rooms] == ["lab"]
    from_path = build_app(scenario(study=EXAMPLE), seed=1)
    assert from_path.extensions["simlab.study"].session_config("survey")["num_questions"] == 10


def test_bad_study_or_session_specs_fail_before_the_run() -> None:
    with pytest.raises(TypeError, match="Scenario.study"):
        build_app(scenario(study=42), seed=1)
    with pytest.raises(ValueError, match=r"sessions\[0\]"):
        build_app(scenario(study=STUDY, sessions=[{"name": "bots"}]), seed=1)


class SessionMaker(Bot):
    @task
    async def make(self) -> None:
        await self.otree.create_session("bots", 2)
        raise StopBot


def test_in_process_callers_use_the_scenario_servers_rest_key() -> None:
    keyed = scenario(
        study=STUDY,
        settings={"otree_auth_level": "STUDY", "otree_rest_key": "k"},
        callers=[Population(SessionMaker, 1)],
        launch=False,
    )
    report = run_scenario(keyed, RunOptions(progress=False, snapshot=False))
    assert report.passed and report.stats.routes["POST /api/sessions"].statuses == {"200": 1}
    wrong = run_scenario(keyed, RunOptions(progress=False, snapshot=False, otree_rest_key="nope"))
    assert not wrong.passed and wrong.stats.routes["POST /api/sessions"].statuses == {"403": 1}


async def test_a_thread_hop_inside_a_request_does_not_move_the_virtual_clock(autojump_clock: Any) -> None:
    import time

    import trio

    from simlab.engine import ClientSource, Target

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await trio.to_thread.run_sync(time.sleep, 0.01)  # as Quart does for sync template hooks
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    source = ClientSource(Target.in_process(app))
    async with trio.open_nursery() as nursery, source.open(), source.client() as http:
        nursery.start_soon(trio.sleep, 5.0)  # another bot's deadline the clock could jump to
        t0 = trio.current_time()
        assert (await http.get("/")).text == "ok"
        assert trio.current_time() == t0
        assert autojump_clock.autojump_threshold == 0
        nursery.cancel_scope.cancel()


def test_the_room_scenario_is_deterministic() -> None:
    from simlab.engine import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "otree_room.py")
    options = RunOptions(participants=4, progress=False)
    first, second = run_scenario(scenario, options), run_scenario(scenario, options)
    assert first.passed and first.to_dict()["final_state_digest"] == second.to_dict()["final_state_digest"]
    assert first.decisions == second.decisions
