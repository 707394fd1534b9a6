"""Writing scenarios: `scenario new/list/run NAME`, failures on screen and in report.html, strict flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simlab.cli.scenario import main
from simlab.cli.scenario_files import examples

FAILING = '''
from simlab import Chain, Experiment
from simlab.engine import Population, Scenario, Thresholds


class OneChain(Experiment):
    def create_network(self):
        return Chain(max_size=10)


async def broken(bot):
    if bot.index < 2:
        raise ValueError("browser bots need a server URL")
    await bot.dallinger.summary()


def never_holds(ctx):
    return False, "the network is empty"


scenario = Scenario(
    name="failing",
    experiment=OneChain,
    populations=[Population(broken, count=3, rate=5)],
    thresholds=Thresholds(max_failed_bots=0),
    checks=[never_holds],
)
'''


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess: stderr is a pipe, not a terminal."""
    return subprocess.run([sys.executable, "-m", "simlab", "scenario", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_new_scenario_runs_and_passes_as_written(tmp_path: Path) -> None:
    assert main(["new", "my_study", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "my_study.py"
    text = path.read_text()
    assert "class my_studyExperiment(Experiment)" in text and "@task" in text and "checks=[" in text
    out = tmp_path / "report"
    assert main(["run", str(path), "-q", "--report", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["passed"] and [c["name"] for c in data["checks"]] == ["every_participant_approved", "one_chain_holds_everyone"]
    assert data["bots"]["finished"] == 11  # ten participants and the observer
    assert main(["run", str(path), "-q", "--participants", "25"]) == 0
    assert main(["new", "my_study", "--dir", str(tmp_path)]) == 2  # never overwrites
    assert main(["new", "not-a-name", "--dir", str(tmp_path)]) == 2


def test_list_shows_the_shipped_examples_and_run_takes_a_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    for name in ("quickstart", "bartlett", "group_study", "otree_room", "transmit_load"):
        assert name in listed and name in examples()
    assert main(["run", "quickstart", "-q", "--participants", "4", "--report", str(tmp_path / "r")]) == 0
    assert json.loads((tmp_path / "r" / "report.json").read_text())["scenario"] == "quickstart"
    assert main(["run", "no_such_scenario", "-q"]) == 2


@pytest.mark.parametrize("flag", ["--participant", "--part", "--seed=1 --qu"])
def test_abbreviated_or_unknown_flags_are_errors(flag: str, tmp_path: Path) -> None:
    proc = run_cli("run", "quickstart", *flag.split(), "3", cwd=tmp_path)
    assert proc.returncode == 2 and "unrecognized arguments" in proc.stderr, proc.stderr


def test_a_failing_run_names_its_checks_and_bot_errors_also_quiet(tmp_path: Path) -> None:
    (tmp_path / "failing.py").write_text(FAILING)
    proc = run_cli("run", "failing.py", "--quiet", "--report", "out", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert "check failed: never_holds: the network is empty" in lines
    assert "threshold failed: max_failed_bots: 2 failed bots, limit 0" in lines
    assert "bot error (2x): ValueError: browser bots need a server URL" in lines
    assert any(line.startswith("failing: FAILED · seed 0 · final state sha256:") for line in lines), lines
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Why it failed" in page and "check failed: never_holds: the network is empty" in page
    assert "<h2>Top bot errors</h2>" in page and "<td class=num>2</td><td><code>ValueError: browser bots need a server URL" in page


def test_plain_output_when_not_a_terminal(tmp_path: Path) -> None:
    proc = run_cli("run", "quickstart", "--participants", "3", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].split() == ["time", "bots", "active", "finished", "failed", "stopped", "planned", "requests", "req/s",
                                "errors", "p50", "ms", "p99", "ms"]
    assert "…" not in proc.stderr  # no cut-off header or cell
    verdict = [line for line in lines if line.startswith("quickstart: PASSED")]
    assert len(verdict) == 1 and verdict[0].split()[-1].startswith("sha256:")  # the digest on the verdict's line


@pytest.mark.parametrize("name", sorted(examples()))
def test_every_example_passes_with_50_participants(name: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    status = main(["run", name, "--participants", "50", "--seed", "7", "-q", "--report", str(out)])
    data = json.loads((out / "report.json").read_text())
    failed = [r for r in (*data["checks"], *data["thresholds"]) if not r["passed"]]
    assert status == 0, failed
    participants = sum(p["count"] for p in data["config"]["populations"] if p["name"] not in ("survey_webhook", "experimenter", "results_reader"))
    assert participants == 50


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("SIMLAB_SLOW"), reason="minutes per scenario: SIMLAB_SLOW=1 pytest -m slow")
@pytest.mark.parametrize("name", sorted(examples()))
def test_every_example_passes_with_500_participants(name: str, tmp_path: Path) -> None:
    status = main(["run", name, "--participants", "500", "--seed", "7", "-q", "--report", str(tmp_path / "r")])
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert status == 0, [r for r in (*data["checks"], *data["thresholds"]) if not r["passed"]]


def test_the_readme_example_runs_and_passes(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    chapter = readme[readme.index("### A custom bot, a custom check, an external oTree caller") :]
    start = chapter.index("```python\n") + len("```python\n")
    (tmp_path / "readme_study.py").write_text(chapter[start : chapter.index("```", start)])
    out = tmp_path / "r"
    assert main(["run", str(tmp_path / "readme_study.py"), "-q", "--participants", "8", "--report", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["routes"] and any(r["name"].startswith("POST /api/participant_vars") and r["count"] == 8 for r in data["routes"])
