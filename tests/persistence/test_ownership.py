"""One server per data folder, graceful stops, and one-line start-up failures of ``simlab serve``."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
import trio

from .test_sigkill import EXAMPLE, free_port, wait_ready

SERVE = [sys.executable, "-m", "simlab", "serve", str(EXAMPLE), "--log-level", "WARNING"]


def start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        SERVE + ["--port", str(port), "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run_serve(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(SERVE + list(args), capture_output=True, text=True, timeout=timeout)


def stop(server: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    server.send_signal(sig)
    try:
        _out, err = server.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        _out, err = server.communicate()
    return server.returncode, err


async def post_participants(url: str, n: int, prefix: str) -> list[int]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        await wait_ready(client)
        return [(await client.post(f"/participant/{prefix}{i}/h/{prefix}a{i}/debug")).json()["participant"]["id"] for i in range(n)]


async def participant_workers(url: str) -> dict[int, str]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        await wait_ready(client)
        out = {}
        for pid in range(1, 200):
            r = await client.get(f"/participant/{pid}")
            if r.status_code != 200:
                break
            out[pid] = r.json()["participant"]["assignment_id"]
        return out


async def test_second_server_on_a_folder_refuses_and_a_killed_owner_never_blocks(tmp_path: Path) -> None:
    port = free_port()
    first = start(tmp_path, port)
    try:
        acknowledged = await post_participants(f"http://127.0.0.1:{port}", 5, "w")
        second = run_serve("--port", str(free_port()), "--data-dir", str(tmp_path))
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1, second.stderr
        assert str(tmp_path) in second.stderr and f"pid {first.pid}" in second.stderr
        assert "serving" not in second.stdout
        more = await post_participants(f"http://127.0.0.1:{port}", 3, "x")
        # export reads a committed snapshot beside the writing server (WAL): allowed, and complete
        export = subprocess.run(
            [sys.executable, "-m", "simlab", "export", "--data-dir", str(tmp_path), "--out", str(tmp_path / "live.zip")],
            capture_output=True, text=True, timeout=60,
        )
        assert export.returncode == 0, export.stderr
        with zipfile.ZipFile(tmp_path / "live.zip") as zf:
            assert len(zf.read("data/participant.csv").decode().strip().splitlines()) == 1 + 8
    finally:
        first.kill()  # SIGKILL: the lock must not outlive the process
        first.communicate()
    restarted = start(tmp_path, port)
    try:
        workers = await participant_workers(f"http://127.0.0.1:{port}")
    finally:
        code, err = stop(restarted)
    assert sorted(workers) == acknowledged + more == list(range(1, 9))
    assert [workers[i] for i in acknowledged] == [f"wa{i}" for i in range(5)]
    assert code == 0 and "Traceback" not in err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_sigterm_and_ctrl_c_flush_and_exit_zero(tmp_path: Path, sig: int) -> None:
    port = free_port()
    server = start(tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            await wait_ready(client)
            answers: list[int] = []

            async def writer(k: int) -> None:
                for i in range(200):
                    try:
                        r = await client.post(f"/participant/s{k}-{i}/h/a{k}-{i}/debug")
                    except httpx.TransportError:
                        return
                    if r.status_code != 200:
                        return
                    answers.append(r.json()["participant"]["id"])

            async with trio.open_nursery() as nursery:
                for k in range(4):
                    nursery.start_soon(writer, k)
                with trio.fail_after(30):
                    while len(answers) < 20:
                        await trio.sleep(0.01)
                code, err = await trio.to_thread.run_sync(stop, server, sig)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert code == 0, err
    assert "Traceback" not in err
    server = start(tmp_path, port)
    try:
        workers = await participant_workers(url)
    finally:
        stop(server)
    assert set(answers) <= set(workers)


def test_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve("--port", str(port), "--in-memory")
    assert result.returncode == 2
    assert result.stderr == f"simlab serve: cannot listen on 127.0.0.1:{port}: the port is in use\n"
    assert "serving" not in result.stdout


def test_corrupt_and_foreign_databases_are_one_line(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "simlab.sqlite3").write_bytes(b"this is not sqlite" * 400)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    db = sqlite3.connect(foreign / "simlab.sqlite3")
    db.execute("CREATE TABLE auth_user (id INTEGER PRIMARY KEY, name TEXT)")
    db.commit()
    db.close()
    for folder, words in ((corrupt, "not a usable simlab database"), (foreign, "not a simlab database")):
        result = run_serve("--port", str(free_port()), "--data-dir", str(folder))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and words in result.stderr and str(folder / "simlab.sqlite3") in result.stderr
        export = subprocess.run(
            [sys.executable, "-m", "simlab", "export", "--data-dir", str(folder), "--out", str(tmp_path / "x.zip")],
            capture_output=True, text=True, timeout=30,
        )
        assert export.returncode == 2 and export.stderr.count("\n") == 1 and words in export.stderr


@pytest.mark.parametrize("args", [["--bogus"], ["--port", "notanumber"], ["--log-level", "LOUD"], ["missing_file.py", "--in-memory"]])
def test_bad_flags_and_files_are_one_line(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simlab", "serve", *args], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("simlab serve:")
