"""``simlab bench transmit`` drives a real local server and reports every route (no timing asserted)."""

from __future__ import annotations

import json

import pytest

from simlab.bench.transmit import ROUTES
from simlab.cli import main


def test_bench_transmit_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "transmit", "--duration", "0.3", "--concurrency", "1,4", "--nodes", "3",
                 "--preload-infos", "50", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(r["route"], r["concurrency"]) for r in out["results"]] == [(r, c) for c in (1, 4) for r in ROUTES]
    assert all(r["requests"] > 0 and r["errors"] == 0 for r in out["results"])
    assert all(r["p50_ms"] <= r["p99_ms"] <= r["max_ms"] for r in out["results"])
    assert set(out["transmit_over_health"]) == {"1", "4"}
    assert out["server_rss_bytes"] > 0


def test_bench_rejects_bad_concurrency(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "transmit", "--concurrency", "0"])
    assert "concurrency" in capsys.readouterr().err
