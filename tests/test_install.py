"""A scenario outside the checkout runs after a plain, non-editable ``pip install`` of simlab.

The project is copied (its git-tracked shape: no venv, no build folder) and installed
with pip into a fresh venv, then a copy of ``scenarios/quickstart.py`` is run from a
folder that has no ``bots/`` beside it: the ready bots and the shipped examples must
come from the installed package.  pip's cache keeps this under a minute; CI runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", ".ci-venv", "build", "*.egg-info", "__pycache__", ".git", ".hypothesis", ".pytest_cache",
                              "simlab-data", "reports", "tests", "benchmarks")


@pytest.mark.install
def test_scenario_outside_the_checkout_runs_after_pip_install(tmp_path: Path) -> None:
    source = tmp_path / "simlab-src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=60)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(source)], capture_output=True, text=True, timeout=300, env=env)
    assert pip.returncode == 0, pip.stderr[-3000:]

    study = tmp_path / "my_study"
    study.mkdir()
    shutil.copy(ROOT / "scenarios" / "quickstart.py", study / "my_scenario.py")
    simlab = str(venv / "bin" / "simlab")
    run = subprocess.run([simlab, "scenario", "run", "my_scenario.py", "-q", "--participants", "6", "--report", "out"],
                         capture_output=True, text=True, timeout=120, cwd=study, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((study / "out" / "report.json").read_text())
    assert report["passed"] and report["bots"]["finished"] == 6

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import simlab.bots, simlab.scenarios; print(simlab.bots.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=study, env=env)
    assert where.returncode == 0 and str(venv) in where.stdout, where.stderr  # installed, not the checkout
    listed = subprocess.run([simlab, "scenario", "list"], capture_output=True, text=True, timeout=60, cwd=study, env=env)
    assert "otree_room" in listed.stdout
    by_name = subprocess.run([simlab, "scenario", "run", "otree_room", "-q", "--participants", "3"],
                             capture_output=True, text=True, timeout=120, cwd=study, env=env)
    assert by_name.returncode == 0, by_name.stderr[-3000:]  # its label file ships with it
