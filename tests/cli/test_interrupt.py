"""Ctrl-C and SIGTERM end every kind of run the same way: bots stopped, browsers reaped,
the report written with what happened so far, one line, exit 130.

Each run is a subprocess whose bots leave a file once they are mid-run and then
hold; the signal is sent when every file is there (an explicit readiness signal,
never a sleep).  Distributed runs: tests/engine/test_distributed.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.test_serve_launch import serve

BOTS = 3
SCENARIO = textwrap.dedent(
    f'''
    import os
    from pathlib import Path

    import trio

    from simlab import Chain, Experiment
    from simlab.engine import Population, Scenario, flow_bot


    class Line(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain(max_size=100)


    async def held(bot):
        me = await bot.dallinger.create_participant(f"W{{bot.id}}", "H", f"A{{bot.id}}")
        await bot.dallinger.create_node(me["id"])
        Path(os.environ["READY"], f"bot-{{bot.id}}").touch()  # mid-run: the test may signal now
        await trio.sleep_forever()


    scenario = Scenario(name="hold", experiment=Line, populations=[Population(flow_bot(held), count={BOTS}, rate=1000.0)])
    '''
)

HTTP_FOLDER = '''
import os
import time
from pathlib import Path

from dallinger.bots import HighPerformanceBotBase
from dallinger.experiment import Experiment
from dallinger.networks import Empty


class Crowd(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = 3

    def create_network(self):
        return Empty(max_size=10)


class Bot(HighPerformanceBotBase):
    def participate(self):
        Path(os.environ["READY"], f"bot-{self.worker_id}").touch()
        while True:  # holds until the run stops it (its thread is abandoned)
            time.sleep(0.05)
'''

SELENIUM_FOLDER = '''
import os
import time
from pathlib import Path

from dallinger.bots import BotBase
from dallinger.experiment import Experiment
from dallinger.networks import Empty


class Crowd(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = 2

    def create_network(self):
        return Empty(max_size=10)


class Bot(BotBase):
    def participate(self):
        pid = self.driver.service.process.pid  # chromedriver, the leader of its own process group
        Path(os.environ["READY"], f"bot-{self.worker_id}").write_text(str(pid))
        while True:
            time.sleep(0.05)
'''


def wait_for(condition: Callable[[], bool], *, timeout: float = 120) -> None:
    """Wait for an explicit signal (files appearing, a process ending), failing after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready within {timeout:g} s")
        time.sleep(0.05)


@contextmanager
def running(args: list[str], ready: Path, count: int, cwd: Path) -> Iterator[subprocess.Popen[str]]:
    ready.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "scenario", "run", *args],
        cwd=cwd, env={**os.environ, "READY": str(ready)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for(lambda: len(list(ready.iterdir())) >= count or proc.poll() is not None)
        assert proc.poll() is None, proc.communicate()
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def stop(proc: subprocess.Popen[str], signum: int) -> tuple[int, str]:
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def check_stopped(code: int, err: str, report_dir: Path, signum: int, *, stopped: int) -> dict:
    name = signal.Signals(signum).name
    lines = err.strip().splitlines()
    assert code == 130, err[-3000:]
    assert len(lines) == 1 and "Traceback" not in err, err[-3000:]
    assert f"stopped by {name}" in lines[0] and f"{stopped} stopped" in lines[0], lines
    data = json.loads((report_dir / "report.json").read_text())
    assert data["interrupted"] == name and data["passed"] is False
    assert (report_dir / "report.html").is_file()
    return data


@pytest.mark.parametrize(("clock", "signum"), [("real", signal.SIGINT), ("virtual", signal.SIGTERM)])
def test_an_in_process_run(tmp_path: Path, clock: str, signum: int) -> None:
    (tmp_path / "hold.py").write_text(SCENARIO)
    with running(["hold.py", "--clock", clock, "-q", "--report", "out"], tmp_path / "ready", BOTS, tmp_path) as proc:
        code, err = stop(proc, signum)
    data = check_stopped(code, err, tmp_path / "out", signum, stopped=BOTS)
    assert data["total"]["count"] == 2 * BOTS  # what happened so far: each bot signed up and took a node
    assert len(data["networks"]) == 1 and data["networks"][0]["nodes_seen"] == BOTS


def test_a_run_against_a_url(tmp_path: Path) -> None:
    (tmp_path / "hold.py").write_text(SCENARIO)
    with serve(str(tmp_path / "hold.py")) as (url, _lines):
        with running(["hold.py", "--url", url, "-q", "--report", "out"], tmp_path / "ready", BOTS, tmp_path) as proc:
            code, err = stop(proc, signal.SIGINT)
    check_stopped(code, err, tmp_path / "out", signal.SIGINT, stopped=BOTS)


@pytest.mark.parametrize("signum", [signal.SIGINT])
def test_a_folders_own_http_bots(tmp_path: Path, signum: int) -> None:
    folder = tmp_path / "crowd"
    folder.mkdir()
    (folder / "experiment.py").write_text(HTTP_FOLDER)
    with running(["crowd", "-q", "--report", "out"], tmp_path / "ready", 3, tmp_path) as proc:
        code, err = stop(proc, signum)
    data = check_stopped(code, err, tmp_path / "out", signum, stopped=3)
    assert [b["outcome"] for b in data["recruited_bots"]] == ["stopped"] * 3


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _group(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (chromedriver and every Chromium process)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.skipif(shutil.which("chromedriver") is None or shutil.which("chromium") is None, reason="needs chromium and chromium-driver")
def test_a_folders_selenium_bots_leave_no_browser_behind(tmp_path: Path) -> None:
    folder = tmp_path / "crowd"
    folder.mkdir()
    (folder / "experiment.py").write_text(SELENIUM_FOLDER)
    ready = tmp_path / "ready"
    with running(["crowd", "-q", "--report", "out"], ready, 2, tmp_path) as proc:
        groups = [int(f.read_text()) for f in ready.iterdir()]
        assert all(len(_group(g)) > 1 for g in groups)  # chromedriver and its Chromium, in its own group
        code, err = stop(proc, signal.SIGTERM)
    check_stopped(code, err, tmp_path / "out", signal.SIGTERM, stopped=2)
    wait_for(lambda: not any(_group(g) for g in groups), timeout=30)  # SIGKILLed: gone as soon as the kernel reaps them
    assert not any(_alive(g) for g in groups)


DRIVER_DIES = '''
import os
import signal
from pathlib import Path

from dallinger.bots import BotBase
from dallinger.experiment import Experiment
from dallinger.networks import Empty


class Crowd(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = 1

    def create_network(self):
        return Empty(max_size=10)


class Bot(BotBase):
    def participate(self):
        marker = Path(os.environ["READY"], "killed")
        if not marker.exists():  # the first attempt: its chromedriver dies under it
            marker.touch()
            os.kill(self.driver.service.process.pid, signal.SIGKILL)
            self.driver.get(self.URL)
        return True

    def sign_off(self):  # the questionnaire is not this test's subject (its 20 s wait is Dallinger's)
        return True
'''


@pytest.mark.skipif(shutil.which("chromedriver") is None or shutil.which("chromium") is None, reason="needs chromium and chromium-driver")
def test_a_driver_that_died_is_the_machine_retried_once(tmp_path: Path) -> None:
    folder = tmp_path / "crowd"
    folder.mkdir()
    (folder / "experiment.py").write_text(DRIVER_DIES)
    (tmp_path / "ready").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "simlab", "scenario", "run", "crowd", "-q", "--report", "out"],
        cwd=tmp_path, env={**os.environ, "READY": str(tmp_path / "ready")}, capture_output=True, text=True, timeout=300,
    )
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    [bot] = data["recruited_bots"]
    assert bot["outcome"] == "finished" and bot["worker_id"].endswith("-retry"), (bot, proc.stderr[-2000:])
    # chromedriver's port refused or reset the connection: the machine, not the study
    assert any(word in bot["infrastructure_error"] for word in ("MaxRetryError", "ProtocolError", "Connection")), bot
    machine = [c for c in data["checks"] if c["name"] == "the machine held (browsers, drivers, ports)"]
    assert machine and machine[0]["passed"] and machine[0]["message"].startswith("1 bots started once more")
    assert proc.returncode == 0, proc.stderr[-2000:]
