"""A durable server is reachable while it loads: /health says 503 and how far it got."""

from __future__ import annotations

from pathlib import Path

import httpx

from simlab import Experiment
from simlab.domain.classes import class_resolver
from simlab.store import GraphStore
from simlab.store import sqlite as db_file
from simlab.web import create_app
from simlab.server.loading import LoadingGate
from tests.store.study import Study, make_study


async def test_health_is_503_with_progress_until_loaded(tmp_path: Path) -> None:
    exp = make_study()
    db = db_file.connect(tmp_path / db_file.FILE_NAME)
    db_file.write(db, [(t, db_file.encode(r)) for t in db_file.LOAD_ORDER for r in exp.store.rows(t)])
    store = GraphStore()
    gate = LoadingGate(create_app(Study, store=store), db, store, class_resolver(Study))
    total = sum(exp.store.statistics().values())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate), base_url="http://t") as client:
        r = await client.get("/health")
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        assert r.json() == {"status": "loading", "loaded_rows": 0, "total_rows": total, "progress": 0.0}
        assert (await client.get("/participant/1")).status_code == 503
        await gate.load()
        assert (await client.get("/health")).status_code == 200
        r = await client.get("/participant/1")
        assert r.status_code == 200 and r.json()["participant"]["status"] == "approved"
    assert gate.loaded == total
    db.close()


async def test_unreadable_rows_give_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / db_file.FILE_NAME
    db = db_file.connect(path)
    db.execute("INSERT INTO network (id, type, creation_time) VALUES (1, 'network', 'not a time')")
    store = GraphStore()
    gate = LoadingGate(create_app(Experiment, store=store), db, store, class_resolver(Experiment))
    try:
        await gate.load()
    except db_file.DataFileError as exc:
        message = str(exc)
    else:
        raise AssertionError("loaded a row with a broken time")
    assert gate.error == message and str(path) in message and "'network'" in message and "\n" not in message
    db.close()
