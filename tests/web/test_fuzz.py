"""Fuzzing from ``/openapi.json`` (schemathesis), and regressions for what it found.

The short run here sends a few generated requests per operation and mode to
``examples/study/study.py`` served over loopback; the long run is
``python benchmarks/fuzz.py --examples 2000``.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trio

from simlab import Settings
from simlab.bench.fuzz import fuzz_in_process, shape_problem
from simlab.server import build_server, serve
from simlab.sources import ExperimentSource

from .conftest import ChainExperiment

STUDY = Path(__file__).resolve().parents[2] / "examples" / "study" / "study.py"


async def test_short_fuzz_run_finds_no_5xx_no_bad_shape_no_broken_invariant() -> None:
    # the examples bound the run; the time limit is only a safety cap, so a busy machine runs
    # the same requests, slower (a 40 s limit cut it to 78 requests at load average 14)
    report, audit = await fuzz_in_process(STUDY, examples=3, seed=1, time_limit=900)
    assert not report.stopped_early, report.summary()
    # every operation of /openapi.json ran (not stopped early): 71 since oTree's trailing-slash
    # forms are their routes' 307s, hidden from the document, not operations of their own
    assert report.operations >= 70 and report.requests >= 200, report.summary()
    assert report.problems == [], "\n".join(report.problems)
    assert audit == []


@pytest.mark.parametrize(
    ("kind", "status", "media", "body", "problem"),
    [
        ("dallinger-json", 200, "application/json", b'{"status": "success"}', False),
        ("dallinger-json", 400, "application/json", b'{"status": "error", "html": ""}', False),
        ("dallinger-json", 403, "text/html", b'{"status": "error"}', False),  # Dallinger's bare 403
        ("dallinger-json", 404, "text/html", b"<h1>Not Found</h1>", False),  # routing, before any handler
        ("dallinger-json", 400, "text/html", b"<h1>Bad</h1>", True),
        ("dallinger-json", 200, "application/json", b'{"status": "error"}', True),
        ("dallinger-json", 500, "application/json", b'{"status": "error"}', True),
        ("otree-api", 200, "application/json", b"[]", False),
        ("otree-api", 400, "text/plain", b"Missing required field: x", False),
        ("otree-api", 400, "application/json", b"{}", True),
        ("otree-page", 500, "text/plain", b"Internal server error", True),
    ],
)
def test_shape_rules(kind, status, media, body, problem) -> None:
    assert (shape_problem(kind, status, media, body) is not None) == problem


async def test_an_unread_body_does_not_stall_the_next_request_on_the_connection() -> None:
    """hypercorn's trio worker used to hang the next keep-alive request after a 405/404 with a body."""
    settings = Settings(port=0, seed=1)
    server = build_server(ExperimentSource.of_class(ChainExperiment), settings)
    async with trio.open_nursery() as nursery:
        url = (await nursery.start(serve, server))[0]
        async with httpx.AsyncClient(base_url=url, timeout=3) as client:
            for _ in range(30):
                assert (await client.put("/health", data={"a": "b"})).status_code == 405
                assert (await client.post("/info/true", data={"a": "b"})).status_code == 405
                assert (await client.post("/nowhere/at/all", data={"a": "b"})).status_code == 404
                assert (await client.get("/health")).status_code == 200
        nursery.cancel_scope.cancel()


@pytest.mark.parametrize(
    ("url", "body", "media", "status"),
    [
        ("/info/1", b'{"contents": "\xff"}', "application/json", 400),  # invalid UTF-8 JSON: was a 500
        ("/participant", b'{"worker_id": "\xfe"}', "application/json", 400),
        ("/mturk-sns-listener", b"\xff\xfe", "text/plain", 400),  # was a 500
        ("/mturk-sns-listener", b"[" * 100_000, "text/plain", 400),
        ("/info/1", b"[" * 100_000, "application/json", 400),
        ("/api/sessions", b"[" * 200_000, "application/json", 400),  # deeply nested JSON: was oTree's 500
    ],
)
async def test_undecodable_and_deeply_nested_bodies_are_400(client, url, body, media, status) -> None:
    response = await client.post(url, content=body, headers={"content-type": media})
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.headers["content-type"].startswith("text/plain")
    else:
        assert response.json()["status"] == "error"
