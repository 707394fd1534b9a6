"""A run that did nothing it was meant to do fails; a --url server with earlier state is warned about;
failing checks name participants and networks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from simlab.cli import scenario
from tests.cli.test_serve_launch import serve

NO_NETWORKS = textwrap.dedent(
    """
    from simlab import Experiment
    from simlab.bots.dallinger_participant import participant
    from simlab.engine import Population, Scenario


    class NoNetworks(Experiment):
        pass


    scenario = Scenario(name="nonet", experiment=NoNetworks, populations=[Population(participant, count=3)])
    """
)

ALL_FAIL = textwrap.dedent(
    """
    from simlab import Chain, Experiment
    from simlab.engine import Population, Scenario, Thresholds, flow_bot


    class Line(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain()


    async def clumsy(bot):
        raise ValueError("tripped on the first step")


    scenario = Scenario(name="clumsy", experiment=Line, populations=[Population(flow_bot(clumsy), count=4)],
                        thresholds=Thresholds(max_failed_bots=10))
    """
)


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, *flags: str) -> tuple[int, dict]:
    (tmp_path / "s.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    status = scenario.main(["run", "s.py", "-q", "--report", "out", *flags])
    return status, json.loads((tmp_path / "out" / "report.json").read_text())


def test_an_experiment_without_networks_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run(tmp_path, monkeypatch, NO_NETWORKS)
    assert status == 1 and data["passed"] is False
    failed = [t for t in data["thresholds"] if not t["passed"]]
    assert [t["name"] for t in failed] == ["participants_got_nodes"]
    assert "every POST /node/<id> (3) answered 3x 403" in failed[0]["message"]
    assert "no participant got a node" in capsys.readouterr().err


def test_every_bot_failing_fails_even_within_the_threshold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, data = run(tmp_path, monkeypatch, ALL_FAIL)
    assert status == 1
    [failed] = [t for t in data["thresholds"] if not t["passed"]]
    assert failed == {"name": "some_bot_finished", "passed": False, "message": "every bot failed (4 of 4): ValueError: tripped on the first step"}


def test_a_healthy_run_has_no_extra_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", "quickstart", "-q", "--participants", "3", "--report", "out"]) == 0
    names = {t["name"] for t in json.loads((tmp_path / "out" / "report.json").read_text())["thresholds"]}
    assert not names & {"participants_got_nodes", "some_bot_finished"}


QUICK = textwrap.dedent(
    """
    from simlab import Chain, Experiment
    from simlab.engine import Population, Scenario, flow_bot


    class Line(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain(max_size=100)


    async def joins(bot):
        me = await bot.dallinger.create_participant(f"W{bot.id}", "H", f"A{bot.id}")
        await bot.dallinger.create_node(me["id"])


    scenario = Scenario(name="quick", experiment=Line, populations=[Population(flow_bot(joins), count=2)])
    """
)


def test_a_rerun_against_a_url_with_earlier_state_is_warned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "quick.py").write_text(QUICK)
    monkeypatch.chdir(tmp_path)
    with serve(str(tmp_path / "quick.py")) as (url, _lines):
        assert scenario.main(["run", "quick.py", "-q", "--url", url]) == 0
        assert "warning" not in capsys.readouterr().err  # a fresh server
        scenario.main(["run", "quick.py", "-q", "--url", url, "--seed", "2", "--report", "again"])
    err = capsys.readouterr().err
    assert "simlab scenario: warning: the server at --url already holds participants from an earlier run" in err
    data = json.loads((tmp_path / "again" / "report.json").read_text())
    assert data["warnings"] and "participant 1 exists" in data["warnings"][0]


def test_a_failing_check_names_who(tmp_path: Path) -> None:
    from simlab.engine.reporting.snapshot import NodeState, Snapshot

    snap = Snapshot(
        networks={1: {"id": 1}}, participants={1: {"id": 1, "status": "approved"}, 2: {"id": 2, "status": "working"}},
        nodes={5: NodeState(5, network_id=1, participant_id=2)},
    )
    assert snap.who([2]) == "participant 2 (working; node 5 in network 1)"
    assert snap.who([]) == "none"
    assert snap.who(range(1, 14), limit=2).endswith("and 11 more")
