"""Every shipped scenario runs out of the box: exit 0 and a full report, with a tiny population."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.py") if not p.name.startswith("_"))


def test_every_scenario_is_covered() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"quickstart", "bartlett", "group_study", "transmit_load", "otree_room"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs_and_passes(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    status = main(["scenario", "run", str(path), "--participants", "3", "--report", str(out), "-q"])
    data = json.loads((out / "report.json").read_text())
    failed = [r for r in (*data["checks"], *data["thresholds"]) if not r["passed"]]
    assert status == 0, failed
    assert data["passed"] is True and data["scenario"] == path.stem
    assert data["checks"], "a shipped scenario checks its final state"
    assert data["final_state_digest"].startswith("sha256:")
    assert data["bots"]["failed"] == 0 and data["bots"]["started"] >= 3
    for name in ("report.html", "final_state.json", "decisions.jsonl"):
        assert (out / name).stat().st_size > 0
