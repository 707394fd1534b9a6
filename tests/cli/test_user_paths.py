"""Paths on the command line are relative to the folder the user stands in, and printed paths exist.

A folder run changes its working folder to the experiment's (Dallinger runs an
experiment from there); ``--report reports/bots`` must still land beside the user.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simlab.cli import scenario

from tests.experiment_bots.test_recruited_bots import _write


def test_a_folder_runs_report_lands_where_the_user_stands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, False)
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", "crowd", "--quiet", "--participants", "2", "--report", "reports/bots"]) == 0
    assert (tmp_path / "reports" / "bots" / "report.json").is_file()
    assert not (tmp_path / "crowd" / "reports").exists()
    printed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("report: ")]
    assert printed == ["report: " + os.path.join("reports", "bots", "report.html")]
    assert (tmp_path / printed[0].removeprefix("report: ")).is_file()


def test_new_writes_where_the_user_stands_and_prints_that(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["new", "mine", "--dir", "sub"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "wrote " + os.path.join("sub", "mine.py")
    assert (tmp_path / "sub" / "mine.py").is_file()


def test_scenario_list_shows_no_rst_markup(capsys: pytest.CaptureFixture[str]) -> None:
    assert scenario.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "`" not in out
    assert "POST /node/<id>/transmit" in out
