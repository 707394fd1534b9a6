"""Scenario shards on Dask distributed: exact merged counts, per-shard determinism, a killed worker.

The runs go through the real command (``python -m simlab scenario run ... --workers 2``)
in a subprocess: the coordinator, a ``LocalCluster`` of two worker processes and the
scenario's server, all on loopback.  Dask lives only in those processes, so its
shutdown warnings never reach this pytest process (no warning filter is needed).
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simlab.engine.engine import Arrival, plan_arrivals
from simlab.engine.population import Limits, Population
from simlab.engine.sharding.shards import shard_seed, split_limit, split_plan

needs_distributed = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="needs the 'distributed' extra (pip install -e '.[distributed]')",
)

SCENARIO = '''
import os
import signal
import signal
import sys

import trio

from simlab import Experiment, FullyConnected
from simlab.engine import Limits, Population, Scenario, Thresholds

KILL_BOT = int(os.environ.get("SIMLAB_TEST_KILL_BOT", "0"))
WORDS = ["alpha", "beta", "gamma", "delta"]


class Board(Experiment):
    """One network with room for everyone (the experiment is defined in the scenario file)."""

    experiment_repeats = 1

    def create_network(self):
        return FullyConnected(max_size=10_000)


async def writer(bot):
    """Sign up, take a node, write 1-3 infos: every decision comes from the bot's generator."""
    d = bot.dallinger
    tag = bot.decide("tag", f"{bot.id}x{bot.random.getrandbits(32):08x}")
    me = await d.create_participant(f"W{tag}", "hit", f"A{tag}", "debug")
    node = int((await d.create_node(int(me["id"])))["id"])
    for _ in range(bot.decide("infos", bot.random.randint(1, 3))):
        await d.create_info(node, bot.choice("word", WORDS))
    while bot.options.get("linger"):  # the fault test: keep the shards busy until stopped
        await d.get_infos(node)
        if os.environ.get("SIMLAB_TEST_READY"):  # the Ctrl-C test's readiness signal: a shard's bot is lingering
            open(os.path.join(os.environ["SIMLAB_TEST_READY"], f"bot-{bot.id}"), "w").close()
        await trio.sleep(0.2)
        if bot.id == KILL_BOT and "distributed" in sys.modules:
            await trio.sleep(1.0)
            os.kill(os.getpid(), signal.SIGKILL)


scenario = Scenario(
    name="shards",
    experiment=Board,
    populations=[
        Population(writer, count=int(os.environ.get("SIMLAB_TEST_BOTS", "12")), rate=20.0,
                   options={"linger": bool(KILL_BOT)}),
    ],
    limits=Limits(duration=60),
    thresholds=Thresholds(max_error_rate=0.0, max_failed_bots=0),
    seed=7,
)
'''


@dataclass
class Run:
    status: int
    stderr: str
    report: dict[str, Any]
    took: float
    out: Path


def run_cli(tmp_path: Path, name: str, *extra: str, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run the scenario with ``--workers 2``; return exit status, stderr, report.json, seconds taken."""
    scenario = tmp_path / "shards_scenario.py"
    if not scenario.exists():
        scenario.write_text(textwrap.dedent(SCENARIO))
    out = tmp_path / name
    cmd = [sys.executable, "-m", "simlab", "scenario", "run", str(scenario), "--workers", "2", "-q", "--report", str(out), *extra]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=tmp_path)
    took = time.monotonic() - t0
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    return Run(proc.returncode, proc.stderr, report, took, out)


def test_split_plan_keeps_every_bot_once_and_each_rate() -> None:
    pops = [Population(lambda bot: None, count=7, rate=2.0), Population(lambda bot: None, count=1, name="caller")]
    plan = plan_arrivals(pops, Limits())
    parts = split_plan(plan, 3)
    assert sorted(a.bot for part in parts for a in part) == [a.bot for a in sorted(plan, key=lambda a: a.bot)]
    first = [a for a in parts[0] if a.population == 0]
    # every third bot of population 0: the shard sees rate / 3, the shards together the scenario's rate
    assert [round(a.at, 3) for a in first] == [0.0, 1.5, 3.0]
    assert all(isinstance(a, Arrival) for part in parts for a in part)


def test_split_limit_and_shard_seeds() -> None:
    assert split_limit(None, [3, 3]) == [None, None]
    assert split_limit(5, [3, 3]) in ([3, 2], [2, 3]) and sum(split_limit(7, [5, 2, 1])) == 7
    assert shard_seed(7, 0) == shard_seed(7, 0) != shard_seed(7, 1)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    tmp = tmp_path_factory.mktemp("shards")
    return [run_cli(tmp, f"run{i}") for i in range(2)]


@needs_distributed
def test_merged_counts_equal_the_shards_and_the_server(two_runs: list[Run]) -> None:
    run = two_runs[0]
    assert run.status == 0, run.stderr[-3000:]
    report = run.report
    shards = report["shards"]
    assert [s["status"] for s in shards] == ["done", "done"] and all(s["requests"] > 0 for s in shards)
    assert report["total"]["count"] == sum(s["requests"] for s in shards)
    assert report["bots"]["finished"] == 12 == sum(s["finished"] for s in shards)
    # the server's own count: what it holds is what the bots were answered
    state = json.loads((run.out / "final_state.json").read_text())
    routes = {r["name"]: r["count"] for r in report["routes"]}
    assert routes["POST /participant/<worker>/<hit>/<assignment>/<mode>"] == len(state["participants"]) == 12
    assert routes["POST /node/<id>"] == len(state["nodes"]) == 12
    assert routes["POST /info/<id>"] == sum(len(n["infos"]) for n in state["nodes"])
    assert report["total"]["count"] == 12 + 12 + routes["POST /info/<id>"]


@needs_distributed
def test_same_seed_and_workers_give_each_shard_the_same_decisions(two_runs: list[Run]) -> None:
    assert [r.status for r in two_runs] == [0, 0], two_runs[0].stderr[-2000:] + two_runs[1].stderr[-2000:]
    r0, r1 = (r.report for r in two_runs)
    digests = [[s["decisions_digest"] for s in r["shards"]] for r in (r0, r1)]
    assert digests[0] == digests[1] and len(set(digests[0])) == 2
    assert [s["seed"] for s in r0["shards"]] == [s["seed"] for s in r1["shards"]]
    assert r0["decisions_digest"] == r1["decisions_digest"]


@needs_distributed
def test_a_killed_worker_fails_the_run_naming_the_shard(tmp_path: Path) -> None:
    # bot 2 lives in shard 1 ((2 - 1) % 2); it kills its worker process mid-run
    run = run_cli(tmp_path, "killed", env={"SIMLAB_TEST_KILL_BOT": "2", "SIMLAB_TEST_BOTS": "6"})
    stderr, report = run.stderr, run.report
    assert run.status == 2, stderr[-3000:]
    assert "shard 1 failed" in stderr and "KilledWorker" in stderr, stderr[-3000:]
    rows = {s["shard"]: s for s in report["shards"]}
    assert rows[1]["status"] == "failed" and rows[1]["requests"] > 0
    # stopped by the coordinator at the fault, not run out to its 60 s limit (that would be "finished"):
    # a state, not a wall-clock bound a busy machine could break
    assert rows[0]["status"] == "stopped"
    assert report["passed"] is False


@needs_distributed
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_every_shard_and_still_writes_the_report(tmp_path: Path, signum: int) -> None:
    scenario = tmp_path / "shards_scenario.py"
    scenario.write_text(textwrap.dedent(SCENARIO))
    out = tmp_path / "interrupted"
    cmd = [sys.executable, "-m", "simlab", "scenario", "run", str(scenario), "--workers", "2", "-q", "--report", str(out)]
    ready = tmp_path / "ready"
    ready.mkdir()
    # lingering bots, none killed; each lingering bot leaves a file in `ready`
    env = {**os.environ, "SIMLAB_TEST_KILL_BOT": "999", "SIMLAB_TEST_BOTS": "4", "SIMLAB_TEST_READY": str(ready)}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        # the explicit readiness signal, not a guess at how long start-up takes on a busy machine:
        # every shard has a bot lingering (bots 0-3 over 2 shards), so the coordinator is monitoring them
        wait_for(lambda: len(list(ready.iterdir())) == 4 or proc.poll() is not None, timeout=240)
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert report["interrupted"] == signal.Signals(signum).name and report["passed"] is False
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and f"stopped by {signal.Signals(signum).name}" in lines[0], stderr[-3000:]
    assert [s["status"] for s in report["shards"]] == ["stopped", "stopped"]
    assert report["total"]["count"] == sum(s["requests"] for s in report["shards"]) > 0


def wait_for(condition: Any, *, timeout: float) -> None:
    """Wait for ``condition()`` (an explicit signal such as a file appearing), failing after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready within {timeout:g} s")
        time.sleep(0.05)


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from simlab.runs.distributed import DistributedUnavailable, require_distributed

    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` raise ImportError
    with pytest.raises(DistributedUnavailable, match=r"simlab\[distributed\]"):
        require_distributed()


POLLING_SCENARIO = """
from simlab import Chain, Experiment
from simlab.bots.dallinger_participant import participant
from simlab.engine import Limits, Population, Scenario, Thresholds, between, constant


class OneChain(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return Chain(max_size=1000)

    def add_node_to_network(self, node, network):
        network.add_node(node)
        parents = node.neighbors(direction="from")
        if parents:
            parents[0].transmit(to_whom=node)


scenario = Scenario(
    name="polling_chain",
    experiment=OneChain,
    populations=[Population(participant, count=10, rate=40.0, options={
        "think": between(0.05, 0.3), "read": between(0.0, 0.05), "poll": between(0.01, 0.03), "wait_for_infos": 10.0,
    })],
    limits=Limits(duration=60),
    thresholds=Thresholds(max_error_rate=0.0, max_failed_bots=0),
    seed=11,
)
"""


@needs_distributed
def test_decision_digests_hold_over_real_sockets_for_polling_bots(tmp_path: Path) -> None:
    """The ready participant polls for its parent's story; how often depends on timing, its decisions do not.

    Over real sockets server-assigned ids and the number of polls differ from run to run;
    a decision digest covers what the seed chose only, so each shard's digest repeats.
    """
    path = tmp_path / "polling_chain.py"
    path.write_text(POLLING_SCENARIO)
    runs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        cmd = [sys.executable, "-m", "simlab", "scenario", "run", str(path), "--workers", "2", "-q", "--report", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-3000:]
        runs.append(json.loads((out / "report.json").read_text()))
    digests = [[s["decisions_digest"] for s in r["shards"]] for r in runs]
    assert digests[0] == digests[1], digests
    assert runs[0]["decisions_digest"] == runs[1]["decisions_digest"]
