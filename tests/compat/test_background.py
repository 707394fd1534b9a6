"""Work beside the requests: greenlets, ``background_tasks`` and ``@scheduled_task`` on the trio thread.

The era folder ``tests/eras/v10_gevent_monitor`` (a Dallinger 10.x game with a
``Greenlet`` clock, a stale-participant monitor joined with ``gevent.joinall``,
a greenlet per node and a clock-process heartbeat) is served in process with its
lifespan, so its background work runs as under ``simlab serve``.  Conditions are
awaited on explicit state, bounded in time; gevent's timers are real time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source

gevent = pytest.importorskip("gevent")

ERAS = Path(__file__).resolve().parents[1] / "eras"


@pytest.fixture(name="serve")
async def _serve(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Callable[..., Any]]:
    """``async with serve(folder) as client``: the app with its lifespan (before/after serving)."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def serve(folder: Path) -> AsyncIterator[httpx.AsyncClient]:
        server = build_server(load_source(folder), Settings(seed=3))
        app = server.app
        monkeypatch.chdir(server.working_dir)
        async with app.test_app():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:5000") as client:
                yield client

    yield serve


async def until(check: Callable[[], Any], seconds: float = 20) -> Any:
    """Poll ``check`` (an async callable) until it returns something true; fail after ``seconds``."""
    with trio.fail_after(seconds):
        while True:
            found = await check()
            if found:
                return found
            await trio.sleep(0.02)


async def network(client: httpx.AsyncClient) -> dict[str, Any]:
    return (await client.get("/network/1")).json()["network"]


async def test_background_tasks_run_beside_the_requests(serve: Any) -> None:
    async with serve(ERAS / "v10_gevent_monitor") as client:
        assert (await client.post("/launch")).status_code == 200

        async def ticked() -> bool:
            return int((await network(client))["property1"] or 0) >= 5

        await until(ticked)
        # the server answers while the clock greenlet loops: 50 requests, each short
        began = time.perf_counter()
        worst = 0.0
        for _ in range(50):
            t = time.perf_counter()
            assert (await client.get("/network/1")).status_code == 200
            worst = max(worst, time.perf_counter() - t)
        assert worst < 1.0, worst
        ticks_after = int((await network(client))["property1"])
        assert ticks_after >= 5
        assert time.perf_counter() - began < 30


async def test_a_greenlet_spawned_by_a_hook_writes_after_the_request(serve: Any) -> None:
    async with serve(ERAS / "v10_gevent_monitor") as client:
        assert (await client.post("/launch")).status_code == 200
        pid = (await client.post("/participant/W1/H1/A1/debug")).json()["participant"]["id"]
        made = await client.post(f"/node/{pid}")
        assert made.status_code == 200

        async def greeted() -> bool:
            return (await client.get(f"/participant/{pid}")).json()["participant"]["property1"] == "greeted"

        await until(greeted)


async def test_the_monitor_fails_a_stale_participant_only(serve: Any) -> None:
    async with serve(ERAS / "v10_gevent_monitor") as client:
        assert (await client.post("/launch")).status_code == 200
        stale = (await client.post("/participant/W1/H1/A1/debug")).json()["participant"]["id"]
        active = (await client.post("/participant/W2/H1/A2/debug")).json()["participant"]["id"]
        assert (await client.post(f"/node/{active}")).status_code == 200

        async def abandoned() -> dict[str, Any]:
            participant = (await client.get(f"/participant/{stale}")).json()["participant"]
            return participant if participant["status"] == "abandoned" else {}

        participant = await until(abandoned, 30)  # stale_seconds = 5 in the folder's config.txt
        assert participant["failed"] is True
        other = (await client.get(f"/participant/{active}")).json()["participant"]
        assert (other["status"], other["failed"]) == ("working", False)


async def test_scheduled_task_runs_when_clock_on(serve: Any) -> None:
    async with serve(ERAS / "v10_gevent_monitor") as client:
        assert (await client.post("/launch")).status_code == 200

        async def beats() -> bool:
            return int((await network(client))["property2"] or 0) >= 3

        await until(beats)


FAILING = '''
import gevent
from dallinger import db
from dallinger.experiment import Experiment
from dallinger.models import Network
from dallinger.networks import Empty


class Failing(Experiment):
    def __init__(self, session=None):
        super(Failing, self).__init__(session)
        self.experiment_repeats = 1
        self.setup()

    def create_network(self):
        return Empty(max_size=2)

    @property
    def background_tasks(self):
        return [self.half_then_fail, self.loop_until_stopped]

    def half_then_fail(self):
        network = Network.query.first()
        network.property1 = "half-done"
        db.session.commit()
        raise ValueError("the task broke after its first write")

    def loop_until_stopped(self):
        try:
            while True:
                network = Network.query.first()
                network.property2 = str(int(network.property2 or 0) + 1)
                gevent.sleep(0.01)
        finally:
            STOPPED.append(True)


STOPPED = []
'''


async def test_a_failing_step_is_undone_and_logged_with_its_traceback(
    serve: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "experiment.py").write_text(FAILING)
    caplog.set_level(logging.ERROR, logger="simlab.background")
    async with serve(tmp_path) as client:
        assert (await client.post("/launch")).status_code == 200

        async def looped() -> bool:
            return int((await network(client))["property2"] or 0) >= 3

        await until(looped)
        # the failing step's writes are undone, even those it "committed" inside the step
        assert (await network(client))["property1"] is None
    (record,) = [r for r in caplog.records if "half_then_fail" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is ValueError
    text = caplog.text
    assert f'{tmp_path / "experiment.py"}", line' in text and "raise ValueError" in text


async def test_greenlets_stop_with_the_server(serve: Any, tmp_path: Path) -> None:
    import sys

    (tmp_path / "experiment.py").write_text(FAILING)
    async with serve(tmp_path) as client:
        assert (await client.post("/launch")).status_code == 200

        async def looped() -> bool:
            return int((await network(client))["property2"] or 0) >= 1

        await until(looped)
        module = next(m for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(tmp_path / "experiment.py"))
        assert module.STOPPED == []
    assert module.STOPPED == [True]  # GreenletExit ran its finally block when the app stopped
