"""The researcher's own exceptions are shown with their own frames (their file, their line), never simlab's.

In an in-process run (the terminal and report.json), a scenario or folder whose
``create_network`` raises (one line, exit 2, then their frames), and the server's
log of ``simlab serve`` (hooks and background tasks).
"""

from __future__ import annotations

import json
import logging
import textwrap
from pathlib import Path

import httpx
import pytest
import trio
import trio.testing

from simlab import Chain, Experiment, Settings
from simlab.cli import scenario
from simlab.web import create_app

HOOKED = textwrap.dedent(
    """
    from simlab import Chain, Experiment
    from simlab.bots.dallinger_participant import participant
    from simlab.engine import Population, Scenario


    class Hooked(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain(max_size=10)

        def info_post_request(self, node, info):
            return info.details["colour"]


    scenario = Scenario(name="hooked", experiment=Hooked, populations=[Population(participant, count=3)])
    """
)

FOLDER = '''
from dallinger.bots import HighPerformanceBotBase
from dallinger.experiment import Experiment


class Broken(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return self.no_such_network()


class Bot(HighPerformanceBotBase):
    def participate(self):
        return True
'''


def their_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("  File ")]


def test_a_hook_that_raises_is_shown_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hooked.py"
    path.write_text(HOOKED)
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", "hooked.py", "-q", "--report", "out"]) == 1
    err = capsys.readouterr().err
    assert "experiment error (3x) in POST /info/<id>: KeyError: 'colour'" in err
    assert their_lines(err) == [f'  File "{path}", line 14, in info_post_request']
    assert 'return info.details["colour"]' in err
    errors = json.loads((tmp_path / "out" / "report.json").read_text())["experiment_errors"]
    assert errors == [
        {"where": "POST /info/<id>", "error": "KeyError: 'colour'", "count": 3,
         "traceback": [f'  File "{path}", line 14, in info_post_request', '    return info.details["colour"]',
                       "           ~~~~~~~~~~~~^^^^^^^^^^"]},
    ]
    assert "experiment error (3x) in POST /info/&lt;id&gt;" in (tmp_path / "out" / "report.html").read_text()


def test_a_scenarios_create_network_that_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.py"
    path.write_text(HOOKED.replace("        return Chain(max_size=10)", "        return Chain(max_size=1 // 0)"))
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", "net.py", "-q"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "simlab/" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("simlab scenario: the run stopped: POST /launch -> 500: An error occurred while setting up experiment")
    assert lines[1] == "ZeroDivisionError: integer division or modulo by zero"
    assert their_lines(err) == [f'  File "{path}", line 11, in create_network']


def test_a_folders_create_network_that_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "experiment.py").write_text(FOLDER)
    monkeypatch.chdir(tmp_path)
    assert scenario.main(["run", "broken", "-q"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ExceptionGroup" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"simlab scenario: {folder / 'experiment.py'}: POST /launch answered 500:")
    assert lines[1] == "AttributeError: 'Broken' object has no attribute 'no_such_network'"
    assert their_lines(err)[-1] == f'  File "{folder / "experiment.py"}", line 10, in create_network'
    assert all(f'File "{folder}' in line for line in their_lines(err))  # only the researcher's files


class Failing(Experiment):
    experiment_repeats = 1

    def create_network(self):  # type: ignore[no-untyped-def]
        return Chain()

    def info_post_request(self, node, info):  # type: ignore[no-untyped-def]
        raise RuntimeError("hook broke")


async def test_the_server_log_shows_only_the_researchers_frames(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Failing, settings=Settings(seed=1))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        await client.post("/launch")
        me = (await client.post("/participant/W/H/A/debug")).json()["participant"]
        node = (await client.post(f"/node/{me['id']}")).json()["node"]
        with caplog.at_level(logging.WARNING, logger="simlab.experiment"):
            assert (await client.post(f"/info/{node['id']}", data={"contents": "x"})).status_code == 403
    [record] = [r for r in caplog.records if r.name == "simlab.experiment"]
    text = record.getMessage()
    assert text.startswith("experiment error in POST /info/<id>: RuntimeError: hook broke")
    assert f'File "{__file__}"' in text and "in info_post_request" in text
    assert "simlab/web" not in text and "simlab/domain" not in text and record.exc_info is None


async def test_a_background_task_that_raises_is_recorded_and_the_server_goes_on() -> None:
    async def ticker() -> None:
        raise LookupError("no tick")

    class Ticking(Experiment):
        background_tasks = [ticker]

    app = create_app(Ticking, settings=Settings(seed=1))
    rt = app.extensions["simlab"]
    async with trio.open_nursery() as nursery:
        await rt.background.serve(nursery)  # as the app does when it starts serving
        rt.start_background_tasks()  # POST /launch
        await trio.testing.wait_all_tasks_blocked()
        rt.background.stop()
        nursery.cancel_scope.cancel()
    [error] = rt.user_errors.all()
    assert (error.where, error.text) == ("its background task ticker", "LookupError: no tick")
    assert error.frames[0].startswith(f'  File "{__file__}", line') and "in ticker" in error.frames[0]


def test_a_route_of_the_experiment_that_raises_is_recorded() -> None:
    from flask import Flask

    views = Flask("views")

    @views.route("/mine")
    def mine() -> str:
        raise KeyError("no such thing")

    app = create_app(Failing, settings=Settings(seed=1), views=views)

    async def call() -> int:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
            return (await client.get("/mine")).status_code

    assert trio.run(call) == 500
    [error] = app.extensions["simlab"].user_errors.all()
    assert (error.where, error.text) == ("its route GET /mine", "KeyError: 'no such thing'")
    assert error.frames[0].startswith(f'  File "{__file__}"') and "in mine" in error.frames[0]
