"""simlab against the real Dallinger 12.4.0 and oTree 6.0.15, answer by answer.

Default run: replay each API's sequences on a fresh in-process simlab and compare
every answer with the committed transcript of the real server (``transcripts/``).
``-m oracle``: record the transcripts again from running real servers (start them
with ``/work/shared/oracles/run_dallinger.sh reset`` and ``run_otree.sh reset``; URLs
from ``SIMLAB_DALLINGER_ORACLE`` / ``SIMLAB_OTREE_ORACLE``), then compare.

A difference is either fixed or listed in ``known.py`` with its reason; a listed
difference that disappears fails too, so the list (and README's table) stays true.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Settings
from simlab.sources import load_source
from simlab.web import create_app

from . import dallinger_sequences, otree_sequences
from .harness import dumps, normalized, run
from .known import KNOWN, REASONS, adjust, route_of, table

HERE = Path(__file__).parent
TRANSCRIPTS = HERE / "transcripts"
APIS = {
    "dallinger": (dallinger_sequences.SCENARIOS, "SIMLAB_DALLINGER_ORACLE", "http://127.0.0.1:5000"),
    "otree": (otree_sequences.SCENARIOS, "SIMLAB_OTREE_ORACLE", "http://127.0.0.1:8000"),
}


async def simlab_transcript(api: str) -> dict[str, Any]:
    scenarios = APIS[api][0]
    study_file = load_source(HERE / "oracle_study" / "study.py")
    settings = Settings(seed=1, otree_auth_level="STUDY", otree_rest_key="conformance-key")
    app = create_app(
        study_file.experiment_class, settings=settings, config=study_file.config, folder=study_file.folder,
        study=study_file.study,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:5000") as client:
        return await run(client, scenarios)


def differences(recorded: dict[str, Any], ours: dict[str, Any]) -> dict[tuple[str, int], tuple[Any, Any]]:
    """``(scenario, step) -> (real answer, simlab answer)`` for every step whose answers differ."""
    theirs_n, ours_n = normalized(recorded), normalized(ours)
    found = {}
    for name, answers in theirs_n.items():
        for index, (theirs, mine) in enumerate(zip(answers, ours_n[name], strict=True)):
            mine = adjust(theirs, mine)
            if theirs != mine:
                found[(name, index)] = (theirs, mine)
    return found


def check(api: str, recorded: dict[str, Any], ours: dict[str, Any]) -> None:
    steps = {name: [r["step"] for r in records] for name, records in ours.items()}
    assert steps == {name: [r["step"] for r in records] for name, records in recorded.items()}, (
        f"the {api} sequences changed since the transcript was recorded: re-record with -m oracle"
    )
    found = differences(recorded, ours)
    known = {key: reason for key, reason in KNOWN.items() if key[0] in recorded}
    report = []
    for key, (theirs, mine) in sorted(found.items()):
        if key not in known:
            request = recorded[key[0]][key[1]]["request"]
            report.append(f"{key} {request['method']} {request['path'][:80]}\n  real:   {theirs}\n  simlab: {mine}")
    for key in sorted(set(known) - set(found)):
        report.append(f"{key} is listed in known.py but the answers agree now: remove it")
    assert not report, "\n".join(report)


@pytest.mark.parametrize("api", sorted(APIS))
async def test_simlab_answers_as_the_real_server_did(api):
    recorded = json.loads((TRANSCRIPTS / f"{api}.json").read_text(encoding="utf-8"))
    check(api, recorded["transcript"], await simlab_transcript(api))


def test_every_known_difference_names_a_reason_and_a_step():
    steps = {(s.name, i) for scenarios, _, _ in APIS.values() for s in scenarios for i in range(len(s.steps))}
    for key, reason in KNOWN.items():
        assert reason in REASONS, key
        assert key in steps, key


def test_every_step_calls_a_route_its_scenario_names():
    for scenarios, _, _ in APIS.values():
        for scenario in scenarios:
            for step in scenario.steps:
                assert route_of(scenario, step), (scenario.name, step.method, step.path[:60])


def test_readme_has_the_fidelity_table():
    readme = (HERE.parent.parent / "README.md").read_text(encoding="utf-8")
    assert table(all_scenarios()) in readme, "README's fidelity table is stale: paste known.table(all_scenarios())"


def all_scenarios() -> list[Any]:
    return [s for scenarios, _, _ in APIS.values() for s in scenarios]


@pytest.mark.oracle
@pytest.mark.parametrize("api", sorted(APIS))
async def test_record_from_the_real_server(api):
    scenarios, variable, default = APIS[api]
    base = os.environ.get(variable, default)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        try:
            await client.get("/")
        except httpx.TransportError as exc:
            pytest.fail(f"no {api} server at {base} ({exc}); start it with /work/shared/oracles/run_{api}.sh reset")
        recorded = await run(client, scenarios, real=True)
    server = {"dallinger": "Dallinger 12.4.0", "otree": "oTree 6.0.15"}[api]
    (TRANSCRIPTS / f"{api}.json").write_text(dumps({"server": server, "transcript": recorded}), encoding="utf-8")
    check(api, recorded, await simlab_transcript(api))
