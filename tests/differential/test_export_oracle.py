"""simlab's export, loaded by Dallinger 12.4.0's own code into PostgreSQL (``-m oracle``).

Needs Dallinger's Python (``SIMLAB_DALLINGER_PYTHON``, e.g. the oracle's venv) and
PostgreSQL (``/work/shared/oracles/run_dallinger.sh services``; ``SIMLAB_EXPORT_DB``,
default the oracle's ``postgresql://dallinger:dallinger@localhost/dallinger``: the load
goes to a database ``simlab_export`` beside it, never into that one).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
import trio

from simlab import Settings
from simlab.sources import load_source
from simlab.persistence.export import export_zip_bytes, snapshot
from simlab.store import DALLINGER_TABLES
from simlab.web import create_app

from . import dallinger_sequences
from .harness import run

HERE = Path(__file__).parent


async def simlab_store_after_the_dallinger_sequences() -> object:
    study_file = load_source(HERE / "oracle_study" / "study.py")
    app = create_app(study_file.experiment_class, settings=Settings(seed=1), folder=study_file.folder)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        await run(client, dallinger_sequences.SCENARIOS)
    return app.extensions["simlab"].store


@pytest.mark.oracle
async def test_dallinger_loads_the_export_with_every_row(tmp_path):
    python = os.environ.get("SIMLAB_DALLINGER_PYTHON")
    if not python:
        pytest.fail("set SIMLAB_DALLINGER_PYTHON to a Python with dallinger==12.4.0 (the oracle's venv)")
    store = await simlab_store_after_the_dallinger_sequences()
    zip_path = tmp_path / "export.zip"
    zip_path.write_bytes(export_zip_bytes(snapshot(store)))
    url = os.environ.get("SIMLAB_EXPORT_DB", "postgresql://dallinger:dallinger@localhost/dallinger")
    workdir = tmp_path / "dallinger_cwd"  # Dallinger imports its working folder: no dot in its name
    workdir.mkdir()
    done = await trio.run_process(
        [python, str(HERE / "dallinger_load.py"), str(zip_path), url],
        cwd=workdir, capture_stdout=True, capture_stderr=True, check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    loaded = json.loads(done.stdout.decode().strip().splitlines()[-1])
    for table in DALLINGER_TABLES:
        ids = sorted(row.id for row in store.rows(table))
        assert loaded["ids"][table] == ids, table
        assert loaded["data_rows"][table] == len(ids), table
    assert sum(len(ids) for ids in loaded["ids"].values()) > 20
    participants = {row.id: row for row in store.rows("participant")}
    for pid, entry_information, details, status in loaded["participants"]:
        assert entry_information == (participants[pid].entry_information or {})
        assert details == participants[pid].details
        assert status == participants[pid].status
