"""`simlab scenario run` in-process: exit status, reports, and same seed -> same run."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from simlab.cli.scenario import main
from simlab.engine import (
    Limits,
    Population,
    RequestEvent,
    RunOptions,
    RunStats,
    Scenario,
    Thresholds,
    load_scenario,
)
from simlab import run_scenario
from simlab.engine.loader import LoadError

from .conftest import ROOT

SCENARIO = '''
from simlab.bots.dallinger_participant import participant
from simlab import Chain, Experiment
from simlab.engine import Population, Scenario, Thresholds, constant


class TinyChain(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return Chain(max_size={max_size})

    def add_node_to_network(self, node, network):
        network.add_node(node)
        parents = node.neighbors(direction="from")
        if parents:
            parents[0].transmit(to_whom=node)


def chain_has_nodes(ctx):
    nodes = len(ctx.snapshot.nodes)
    return nodes == {expect}, f"{{nodes}} nodes, expected {expect}"


scenario = Scenario(
    name="tiny",
    experiment=TinyChain,
    populations=[Population(participant, count=5, rate=5, options={{"think": constant(0.1), "poll": constant(0.1)}})],
    thresholds=Thresholds(max_p99={{"*": 5.0}}),
    checks=[chain_has_nodes],
)
'''


def write(tmp_path: Path, max_size: int = 10, expect: int = 5) -> Path:
    path = tmp_path / "tiny.py"
    path.write_text(textwrap.dedent(SCENARIO.format(max_size=max_size, expect=expect)))
    return path


def test_passing_scenario_exits_zero_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert main(["run", str(write(tmp_path)), "--report", str(out), "-q"]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["passed"] is True and data["seed"] == 0
    assert data["final_state_digest"].startswith("sha256:")
    assert {r["name"] for r in data["routes"]} >= {"POST /node/<id>", "POST /node/<id>/transmit", "GET /worker_complete"}
    page = (out / "report.html").read_text()
    assert page.count("<svg") >= 4 and "network 1 (chain)" in page


def test_failing_check_exits_non_zero(tmp_path: Path) -> None:
    assert main(["run", str(write(tmp_path, expect=6))]) == 1  # with live progress and tables


def test_no_network_left_is_a_clean_finish(tmp_path: Path) -> None:
    # the chain holds 3: two participants get the bare 403 and still complete cleanly
    report = run_scenario(load_scenario(write(tmp_path, max_size=3, expect=3)), RunOptions(progress=False))
    assert report.passed, [r for r in (*report.checks, *report.thresholds) if not r.passed]
    assert sum(("no_network", True) in log for log in report.observations.values()) == 2
    assert report.stats.routes["POST /node/<id>"].statuses["403"] == 2


def test_bad_arguments_and_files_exit_two(tmp_path: Path) -> None:
    assert main(["run", str(tmp_path / "missing.py")]) == 2
    (tmp_path / "empty.py").write_text("x = 1\n")
    assert main(["run", str(tmp_path / "empty.py")]) == 2
    assert main(["run", str(write(tmp_path)), "--url", "http://127.0.0.1:1", "--clock", "virtual"]) == 2
    assert main(["bogus"]) == 2
    with pytest.raises(LoadError, match="exactly one|Scenario"):
        load_scenario(tmp_path / "empty.py")


def test_same_seed_gives_identical_decisions_and_final_state() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "quickstart.py")
    options = RunOptions(participants=12, seed=11, progress=False)
    first, second = run_scenario(scenario, options), run_scenario(scenario, options)
    assert first.decisions == second.decisions
    assert first.to_dict()["final_state_digest"] == second.to_dict()["final_state_digest"]
    assert first.to_dict()["decisions_digest"] == second.to_dict()["decisions_digest"]
    other = run_scenario(scenario, RunOptions(participants=12, seed=12, progress=False))
    assert other.to_dict()["decisions_digest"] != first.to_dict()["decisions_digest"]
    assert first.passed and other.passed


def test_with_participants_keeps_proportions() -> None:
    async def a(bot: object) -> None: ...

    async def b(bot: object) -> None: ...

    s = Scenario("s", populations=[Population(a, 30), Population(b, 10)], callers=[Population(a, 2)])
    assert [p.count for p in s.with_participants(9).populations] == [7, 2]
    assert [p.count for p in s.with_participants(9).callers] == [2]
    assert Thresholds(max_error_rate=None, max_failed_bots=None).evaluate(RunStats()) == []
    with pytest.raises(ValueError, match="duration"):
        Limits(duration=-1)


def test_a_route_limit_overrides_the_wildcard() -> None:
    stats = RunStats()
    for name, latency in (("GET /a", 0.2), ("GET /b", 0.01)):
        stats.on_request(RequestEvent(name, "GET", 200, latency, None, 0.0, None))
    results = Thresholds(max_p99={"*": 0.05, "GET /a": 0.5}, max_error_rate=None, max_failed_bots=None).evaluate(stats)
    assert [(r.name, r.passed) for r in results] == [("max_p99[GET /b]", True), ("max_p99[GET /a]", True)]


def test_latency_is_judged_on_real_time_only() -> None:
    """On the virtual clock a p99 is shown, not judged: bots and server share the thread (and the machine)."""
    stats = RunStats()
    stats.on_request(RequestEvent("GET /a", "GET", 200, 0.9, None, 0.0, None))
    limits = Thresholds(max_p99={"*": 0.5}, max_error_rate=None, max_failed_bots=None)
    (judged,) = limits.evaluate(stats)
    assert (judged.passed, judged.message) == (False, "p99 900.0 ms, limit 500.0 ms")
    (shown,) = limits.evaluate(stats, judge_latency=False)
    assert shown.passed and shown.message.startswith("p99 900.0 ms, limit 500.0 ms: not judged on the virtual clock")
