"""Export a finished scenario run and read it back with the standard library (spec section 10)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from trio.testing import MockClock

from simlab.engine import RunOptions, Target, load_scenario
from simlab.runs.inprocess import build_app
from simlab.engine.runner import run_scenario_async
from simlab.persistence.export import export_zip_bytes, snapshot

from .test_export import SHARED, SPEC_COLUMNS

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.py"


async def test_export_of_a_finished_quickstart_run(autojump_clock: MockClock) -> None:
    scenario = load_scenario(QUICKSTART).with_participants(6)
    app = build_app(scenario, 11)
    report = await run_scenario_async(scenario, Target.in_process(app), RunOptions(seed=11, progress=False))
    assert all(check.passed for check in report.checks)

    data = export_zip_bytes(snapshot(app.extensions["simlab"].store))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tables = {
            name[len("data/") : -len(".csv")]: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.startswith("data/")
        }
        headers = {
            name[len("data/") : -len(".csv")]: next(csv.reader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.startswith("data/")
        }
    for table, columns in SPEC_COLUMNS.items():
        assert headers[table] == [c.strip() for c in (SHARED + ", " + columns).split(",")], table
    assert len(tables["participant"]) == 6
    assert {p["status"] for p in tables["participant"]} == {"approved"}
    assert {p["base_pay"] for p in tables["participant"]} == {"1"}
    assert len(tables["node"]) == 6 and len(tables["vector"]) == 5
    assert all(t["status"] == "received" for t in tables["transmission"])
    assert len(tables["question"]) == 6
