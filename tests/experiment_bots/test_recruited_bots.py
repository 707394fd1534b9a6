"""An experiment's own Dallinger bots, recruited by the bot recruiter and run to completion.

bartlett1932's Selenium ``Bot`` (its experiment.py, unedited) runs in headless
Chromium; an experiment with a ``HighPerformanceBotBase`` bot shows many HTTP bots
at once, and a broken ``data_check`` fails the run as a check.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from simlab.runs.experiment_bots import BotRunOptions, run_experiment_bots

DEMOS = Path(__file__).resolve().parents[3] / "shared" / "dallinger-demos"

HTTP_EXPERIMENT = '''
import httpx

from dallinger.bots import HighPerformanceBotBase
from dallinger.config import get_config
from dallinger.experiment import Experiment
from dallinger.networks import Empty


def extra_parameters():
    get_config().register("num_participants", int)


class Crowd(Experiment):
    experiment_repeats = 1

    def configure(self):
        self.initial_recruitment_size = get_config().get("num_participants")

    def create_network(self):
        return Empty(max_size=self.initial_recruitment_size)

    def data_check(self, participant):
        return len(participant.infos()) == 1 and BROKEN is False


BROKEN = False


class Bot(HighPerformanceBotBase):
    def participate(self):
        node = httpx.post(f"{self.host}/node/{self.participant_id}").json()["node"]
        httpx.post(f"{self.host}/info/{node['id']}", data={"contents": f"from {self.worker_id}"}).raise_for_status()
'''


def _write(tmp_path: Path, broken: bool) -> Path:
    folder = tmp_path / "crowd"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    source = HTTP_EXPERIMENT.replace("BROKEN = False", f"BROKEN = {broken}")
    (folder / "experiment.py").write_text(textwrap.dedent(source))
    (folder / "config.txt").write_text("[Experiment]\nmode = sandbox\nnum_participants = 3\n")
    return folder


def test_http_bots_one_per_recruitment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = run_experiment_bots(_write(tmp_path, False), BotRunOptions(participants=12, timeout=60))
    data = report.to_dict()
    assert [b["outcome"] for b in data["recruited_bots"]] == ["finished"] * 12  # --participants overrides
    assert report.passed, data["checks"]
    assert data["total"]["count"] > 12 * 5  # sign-up, node, info, question, complete per bot
    assert len(report.snapshot.networks) == 1


def test_a_failing_data_check_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = run_experiment_bots(_write(tmp_path, True), BotRunOptions(timeout=60))
    failed = {c.name for c in report.checks if not c.passed}
    assert failed == {"the experiment's data_check holds"}


@pytest.mark.skipif(not (DEMOS / "bartlett1932").is_dir(), reason=f"Dallinger's demos are absent ({DEMOS})")
@pytest.mark.skipif(shutil.which("chromedriver") is None, reason="Selenium bots need chromium-driver")
def test_bartlett1932_own_selenium_bot_goes_down_the_chain(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    report = run_experiment_bots(DEMOS / "bartlett1932", BotRunOptions(timeout=120))
    data = report.to_dict()
    assert report.passed, data["checks"]
    bots = data["recruited_bots"]
    assert len(bots) == 2 and all("mode=sandbox" in b["url"] for b in bots)  # num_participants 3 = source + 2
    infos = {node_id: node.infos for node_id, node in report.snapshot.nodes.items()}
    retold = [i for items in infos.values() for i in items if "Some transformation...and" in str(i.get("contents"))]
    assert len(retold) == 2  # each bot retold what it read, down the chain


SELENIUM_EXPERIMENT = '''
from dallinger.bots import BotBase
from dallinger.experiment import Experiment


class Plain(Experiment):
    pass


class Bot(BotBase):
    def participate(self):
        return True
'''


def test_cli_runs_a_folder_and_exits_by_its_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from simlab.cli import scenario

    monkeypatch.chdir(tmp_path)
    good = _write(tmp_path, False)
    assert scenario.main(["run", str(good), "--quiet", "--participants", "4", "--report", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "report.html").read_text()
    assert "Recruited bots" in page and page.count("<td>finished</td>") == 4
    bad = _write(tmp_path / "b", True) if (tmp_path / "b").mkdir() is None else None
    assert scenario.main(["run", str(bad), "--quiet"]) == 1
    assert "data_check" in capsys.readouterr().err


def test_a_browser_simlab_cannot_drive_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from simlab.cli import scenario

    folder = tmp_path / "firefox"
    folder.mkdir()
    (folder / "experiment.py").write_text(textwrap.dedent(SELENIUM_EXPERIMENT))
    (folder / "config.txt").write_text("[Experiment]\nwebdriver_type = firefox\n")
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", str(folder), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "webdriver_type = firefox" in err[0]


SCENARIO = '''
from simlab.bots.dallinger_participant import participant
from simlab.engine import CheckContext, CheckResult, Population, Scenario, constant

DEMO = DEMO_FOLDER


def story_went_down_the_chain(ctx: CheckContext) -> CheckResult:
    nodes = sorted(ctx.snapshot.nodes.values(), key=lambda n: n.id)
    received = [t for n in nodes for t in n.transmissions if t["status"] == "received"]
    # bartlett's own hooks: the source's story reaches the first node, the first's retelling the second
    ok = [n.type for n in nodes] == ["war_of_the_ghosts_source", "node", "node"] and len(received) == 2
    ok = ok and all(n.infos for n in nodes)
    return CheckResult("story_went_down_the_chain", ok, f"{[n.type for n in nodes]}, {len(received)} received")


scenario = Scenario(
    name="bartlett_with_simlab_bots",
    experiment=DEMO,
    populations=[Population(participant, count=2, rate=1.0, options={"poll": constant(0.25), "wait_for_infos": 30.0})],
    checks=[story_went_down_the_chain],
    seed=3,
)
'''


@pytest.mark.skipif(not (DEMOS / "bartlett1932").is_dir(), reason=f"Dallinger's demos are absent ({DEMOS})")
def test_a_scenario_serves_a_dallinger_folder_for_simlab_bots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simlab.cli import scenario

    path = tmp_path / "mixed.py"
    path.write_text(SCENARIO.replace("DEMO_FOLDER", repr(str(DEMOS / "bartlett1932"))))
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", str(path), "--quiet", "--report", str(tmp_path / "r")]) == 0


MIXED_EXPERIMENT = '''
import httpx

from dallinger.bots import HighPerformanceBotBase
from dallinger.experiment import Experiment
from dallinger.networks import Empty


class Room(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = 2

    def create_network(self):
        return Empty(max_size=10)


class Bot(HighPerformanceBotBase):
    def participate(self):
        node = httpx.post(f"{self.host}/node/{self.participant_id}").json()["node"]
        httpx.post(f"{self.host}/info/{node['id']}", data={"contents": "own bot"}).raise_for_status()
'''

MIXED_SCENARIO = """
from simlab.bots.dallinger_participant import participant
from simlab.engine import CheckContext, CheckResult, Population, Scenario, constant


def both_kinds_took_part(ctx: CheckContext) -> CheckResult:
    # runs once simlab's 3 bots and the experiment's 2 own bots are all done
    statuses = sorted(p["status"] for p in ctx.snapshot.participants.values())
    return CheckResult("both_kinds_took_part", statuses == ["approved"] * 5, str(statuses))


scenario = Scenario(
    name="mixed",
    experiment="room",
    own_bots=True,
    populations=[Population(participant, count=3, rate=5.0, options={"poll": constant(0.1), "wait_for_infos": 0.0})],
    checks=[both_kinds_took_part],
    seed=4,
)
"""


def test_a_scenario_mixes_the_experiments_own_bots_with_simlabs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simlab.cli import scenario

    folder = tmp_path / "room"
    folder.mkdir()
    (folder / "experiment.py").write_text(textwrap.dedent(MIXED_EXPERIMENT))
    (tmp_path / "mixed.py").write_text(MIXED_SCENARIO)
    monkeypatch.chdir(tmp_path)
    code = scenario.main(["run", str(tmp_path / "mixed.py"), "--quiet", "--report", str(tmp_path / "r")])
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert code == 0, [c for c in data["checks"] if not c["passed"]]
    assert [b["outcome"] for b in data["recruited_bots"]] == ["finished", "finished"]
    assert data["bots"]["finished"] == 3  # simlab's own participant bots
