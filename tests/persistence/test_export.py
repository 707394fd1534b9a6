"""The export reads back with the standard library in Dallinger's layout (spec section 10)."""

from __future__ import annotations

import base64
import csv
import io
import re
import zipfile
from pathlib import Path

import httpx
import pytest

from simlab import Chain, Experiment, Settings
from simlab.cli import main as cli_main
from simlab.domain.classes import class_resolver
from simlab.persistence.export import snapshot
from simlab.store import sqlite as db_file
from simlab.web import create_app

SHARED = "id, creation_time, property1, property2, property3, property4, property5, failed, failed_reason, time_of_death, details"
SPEC_COLUMNS = {
    "info": "type, origin_id, network_id, contents, complete",
    "network": "type, max_size, full, role",
    "node": "type, network_id, participant_id",
    "notification": "assignment_id, event_type",
    "participant": "type, fingerprint_hash, recruiter_id, worker_id, assignment_id, unique_id, hit_id, mode, "
    "end_time, base_pay, bonus, entry_information, status",
    "question": "type, participant_id, number, question, response",
    "transformation": "type, info_in_id, info_out_id, node_id, network_id",
    "transmission": "vector_id, info_id, origin_id, destination_id, network_id, receive_time, status",
    "vector": "type, origin_id, destination_id, network_id",
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?$")


class ExportStudy(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return Chain(max_size=10)


def auth(password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()}


async def run_study(client: httpx.AsyncClient) -> None:
    """Three participants pass an info down a chain; one drops out; all others finish."""
    assert (await client.post("/launch")).status_code == 200
    nodes, pids = [], []
    for i in range(3):
        pid = (await client.post(f"/participant/w{i}/h/a{i}/debug")).json()["participant"]["id"]
        pids.append(pid)
        nodes.append((await client.post(f"/node/{pid}", data={"property1": "p1", "details": '{"k": [1, 2]}'})).json()["node"]["id"])
    info = (await client.post(f"/info/{nodes[0]}", data={"contents": 'say "hi", world'})).json()["info"]["id"]
    assert (await client.post(f"/node/{nodes[0]}/transmit")).status_code == 200
    await client.get(f"/node/{nodes[1]}/transmissions")
    copy = (await client.post(f"/info/{nodes[1]}", data={"contents": ""})).json()["info"]["id"]
    r = await client.post(f"/transformation/{nodes[1]}/{info}/{copy}")
    assert r.status_code == 200, r.text
    await client.post("/notifications", data={"Event.1.EventType": "AssignmentAbandoned", "Event.1.AssignmentId": "a2"})
    for pid in pids[:2]:
        await client.post(f"/question/{pid}", data={"question": "questionnaire", "response": '{"engagement": 4}', "number": 1})
        await client.get(f"/worker_complete?participant_id={pid}")


def read_zip(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "experiment_id.md" in names
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in names
            if name.endswith(".csv")
        }


async def test_export_route_gives_dallinger_layout() -> None:
    app = create_app(ExportStudy, settings=Settings(admin_password="s3cret"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        await run_study(client)
        assert (await client.get("/export")).status_code == 401
        assert (await client.get("/export", headers=auth("wrong"))).status_code == 401
        response = await client.get("/export", headers=auth("s3cret"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    tables = read_zip(response.content)
    for table, columns in SPEC_COLUMNS.items():
        header = tables[f"data/{table}.csv"][0]
        assert header == [c.strip() for c in (SHARED + ", " + columns).split(",")], table

    def rows(table: str) -> list[dict[str, str]]:
        header, *body = tables[f"data/{table}.csv"]
        return [dict(zip(header, line)) for line in body]

    participants = rows("participant")
    assert [p["status"] for p in participants] == ["approved", "approved", "abandoned"]
    assert all(p["failed"] == "f" for p in participants)
    assert participants[0]["base_pay"] == "1" and participants[0]["bonus"] == ""
    assert participants[0]["unique_id"] == "w0:a0"
    assert all(TIMESTAMP.match(p["creation_time"]) for p in participants)
    assert TIMESTAMP.match(participants[0]["end_time"])
    nodes = rows("node")
    assert [n["failed"] for n in nodes] == ["f", "f", "t"]
    assert nodes[2]["failed_reason"] == "" and TIMESTAMP.match(nodes[2]["time_of_death"])
    assert nodes[0]["details"] == '{"k": [1, 2]}' and nodes[0]["property1"] == "p1"
    infos = rows("info")
    assert infos[0]["contents"] == 'say "hi", world' and infos[0]["complete"] == "t"
    assert infos[1]["contents"] == "" and infos[1]["complete"] == "t"
    transmissions = rows("transmission")
    assert transmissions[0]["status"] == "received" and TIMESTAMP.match(transmissions[0]["receive_time"])
    vectors = rows("vector")
    assert vectors[1]["failed"] == "t" and vectors[1]["failed_reason"] == "->Node3"
    assert rows("network")[0]["max_size"] == "10" and rows("network")[0]["full"] == "f"
    assert rows("question")[0]["response"] == '{"engagement": 4}'
    assert [n["event_type"] for n in rows("notification")] == ["AssignmentAbandoned"]
    assert rows("transformation")[0]["info_out_id"] == "2"


def test_null_and_empty_string_differ_in_the_csv() -> None:
    from simlab.persistence.export import pg_csv_line

    assert pg_csv_line([None, "", "a,b", 'q"'] ) == ',"","a,b","q"""\n'


async def test_cli_export_reads_a_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(ExportStudy)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        await run_study(client)
    store = app.extensions["simlab"].store
    db = db_file.connect(tmp_path / db_file.FILE_NAME)
    db_file.write(db, [(row.table, db_file.encode(row)) for table in ("participant", "network", "node", "vector", "info",
                   "transmission", "transformation", "question", "notification") for row in store.rows(table)])
    db.close()
    out = tmp_path / "export.zip"
    assert cli_main(["export", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    assert "rows" in capsys.readouterr().out
    from_cli = read_zip(out.read_bytes())
    from_store = {name: [list(cols)] + [[v or "" for v in r] for r in rows] for name, (cols, rows) in snapshot(store).items()}
    for name in from_cli:
        if name.startswith("data/"):
            assert from_cli[name] == from_store[name], name
    assert class_resolver(ExportStudy)("network", {"type": "chain"}) is Chain
