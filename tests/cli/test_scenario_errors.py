"""``simlab scenario run`` failures a user can cause are one line and exit 2, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simlab.cli.scenario import main

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = str(ROOT / "scenarios" / "quickstart.py")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--url", "http://127.0.0.1:{port}"], "cannot reach --url http://127.0.0.1:{port}: ConnectError"),
        (["--url", "localhost:5000"], "--url must be an http(s) URL"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--participants", "x"], "invalid int value"),
    ],
)
def test_user_errors_are_one_line(args: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    code = main(["run", QUICKSTART] + [a.format(port=port) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("simlab scenario") and words.format(port=port) in err, err


def test_missing_scenario_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "no/such/scenario.py"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no scenario file 'no/such/scenario.py'" in err


def test_too_few_dask_workers_fails_after_the_wait(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    port = closed_port()
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        result = subprocess.run(
            [sys.executable, "-m", "simlab", "scenario", "run", QUICKSTART, "--scheduler", f"tcp://127.0.0.1:{port}",
             "--workers", "2", "--wait-workers", "2", "--quiet"],
            capture_output=True, text=True, timeout=60,
        )
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "has 0 worker threads after 2 s, fewer than --workers 2" in result.stderr  # --wait-workers 2, not 60
