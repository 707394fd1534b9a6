"""A deleted ``simlab.lock`` does not let a second server write the folder (issue 21, case 6)."""

from __future__ import annotations

from pathlib import Path

from simlab.persistence.datafolder import LOCK_NAME, DataFolderBusy, FolderLock
from tests.persistence.test_ownership import post_participants, run_serve, start, stop
from tests.persistence.test_sigkill import free_port


async def test_a_second_server_is_refused_after_the_lock_file_was_deleted(tmp_path: Path) -> None:
    port = free_port()
    first = start(tmp_path, port)
    try:
        assert await post_participants(f"http://127.0.0.1:{port}", 2, "w") == [1, 2]
        (tmp_path / LOCK_NAME).unlink()  # the "stale lock" reflex
        second = run_serve("--port", str(free_port()), "--data-dir", str(tmp_path))
        assert second.returncode == 2, second.stdout + second.stderr
        assert second.stderr.count("\n") == 1, second.stderr
        assert "is in use by" in second.stderr and f"pid {first.pid}" in second.stderr
        assert "serving" not in second.stdout
        assert await post_participants(f"http://127.0.0.1:{port}", 1, "x") == [3]
    finally:
        code, err = stop(first)
    assert code == 0 and "Traceback" not in err


def test_the_database_file_is_locked_in_process(tmp_path: Path) -> None:
    owner = FolderLock(tmp_path).acquire()
    try:
        (tmp_path / LOCK_NAME).unlink()
        try:
            FolderLock(tmp_path).acquire()
        except DataFolderBusy as exc:
            assert str(tmp_path) in str(exc)
        else:
            raise AssertionError("a second lock on the folder was granted")
    finally:
        owner.release()
    FolderLock(tmp_path).acquire().release()  # released: the folder is free again
