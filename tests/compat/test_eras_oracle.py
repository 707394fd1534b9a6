"""What the real Dallinger answered to an era folder (recorded transcripts), replayed on simlab.

``eras_surface/oracle/<folder>-<release>.json`` were recorded from the real
servers (``eras_surface/oracle/record.py``; see the header of the oracle
script).  Where the real release serves the folder, simlab must answer the same
steps with the same statuses and the same experiment-defined state.  Where the
real release cannot serve it (an older era's class on 12.4.0, the 8.x template
on 9.x+), the transcript shows how it fails and simlab must serve it anyway.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source

ORACLE = Path(__file__).resolve().parent / "eras_surface" / "oracle"
TRANSCRIPTS = sorted(ORACLE.glob("*.json"))

#: Fields the real release answers differently on purpose, with why (``{transcript: {step.field: why}}``).
DIVERGES: dict[str, dict[str, str]] = {
    "v10_session_positional-11.4.0.json": {
        "node.node.network_id": "two open networks: Dallinger's choose_network draws one at random",
    },
}


def _recorder() -> Any:
    spec = importlib.util.spec_from_file_location("era_oracle_record", ORACLE / "record.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _replay(folder: str, info_type: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    server = build_server(load_source(ORACLE.parent / folder), Settings(seed=3))
    app = server.app
    monkeypatch.chdir(server.working_dir)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        assert (await client.post("/launch")).status_code == 200
        return await _recorder().run(client, info_type)


def _flatten(steps: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for step, answer in steps.items():
        for key, value in answer.items():
            if isinstance(value, dict):
                flat.update({f"{step}.{key}.{k}": v for k, v in value.items()})
            else:
                flat[f"{step}.{key}"] = value
    return flat


def test_there_are_transcripts_of_both_releases() -> None:
    servers = {json.loads(p.read_text())["server"] for p in TRANSCRIPTS}
    assert {"Dallinger 11.4.0", "Dallinger 12.4.0"} <= servers


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
async def test_simlab_serves_what_the_real_release_serves(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = json.loads(path.read_text())
    ours = await _replay(record["folder"], record.get("info_type", "Info"), monkeypatch)
    assert all(answer.get("status_code") == 200 for answer in ours.values()), ours
    assert ours["final"]["participant"]["status"] == "approved"
    real = record["steps"]
    if not real or any(answer.get("status_code", 200) >= 500 for answer in real.values()):
        # the real release cannot serve this era's folder: the transcript says how it fails
        assert record.get("bootstrap", {}).get("ok") is False or any(a.get("status_code", 0) >= 500 for a in real.values())
        return
    expected, got = _flatten(real), _flatten(ours)
    diverges = DIVERGES.get(path.name, {})
    mismatches = {k: (v, got.get(k)) for k, v in expected.items() if k not in diverges and got.get(k) != v}
    assert not mismatches, mismatches
