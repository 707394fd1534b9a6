"""A full disk: refused writes are never visible, ids are not reused, writes resume by themselves (issue 21, case 5).

The data folder lives on a 4 MiB tmpfs mounted for the test (root only; the
test is skipped, saying so, where mounting is not allowed).
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .served import simlab_serve

CONTENTS = "c" * 4000


@pytest.fixture(name="tiny_fs")
def _tiny_fs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "fs"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(path: Path) -> None:
    """Write ``path`` until the file system is full (unbuffered, down to the last byte)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)


def info_ids(client: httpx.Client, node: int) -> list[int]:
    response = client.get(f"/node/{node}/infos")
    assert response.status_code == 200, response.text
    return sorted(i["id"] for i in response.json()["infos"])


def test_a_full_disk_refuses_writes_without_showing_them_and_recovers(tiny_fs: Path) -> None:
    data = tiny_fs / "data"
    filler = tiny_fs / "filler"
    with simlab_serve("--data-dir", str(data)) as port, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
        assert client.post("/launch").status_code == 200
        pid = client.post("/participant/w1/h1/a1/debug").json()["participant"]["id"]
        node = client.post(f"/node/{pid}").json()["node"]["id"]
        acknowledged = [client.post(f"/info/{node}", data={"contents": CONTENTS}).json()["info"]["id"] for _ in range(3)]
        fill(filler)
        refusals = []
        for _ in range(300):  # until the disk refuses (SQLite may have some free pages first), then a few more
            response = client.post(f"/info/{node}", data={"contents": CONTENTS})
            if response.status_code == 200:
                assert not refusals, "a write succeeded on a full disk after one was refused"
                acknowledged.append(response.json()["info"]["id"])
                continue
            refusals.append(response)
            if len(refusals) == 5:
                break
        assert len(refusals) == 5, "the full disk never refused a write"
        for response in refusals:
            assert response.status_code == 503
            assert response.headers["retry-after"]
            body = response.json()
            assert body["status"] == "error" and "disk full" in body["message"], body["message"]
            assert "cannot rollback" not in body["message"]
        # readers see exactly what was acknowledged, never a refused write
        assert info_ids(client, node) == acknowledged
        assert client.get(f"/info/{node}/{acknowledged[-1] + 1}").status_code != 200
        # space comes back: writes succeed again, no restart, and no refused id is handed out again
        filler.unlink()
        resumed = client.post(f"/info/{node}", data={"contents": CONTENTS})
        assert resumed.status_code == 200, resumed.text
        new_id = resumed.json()["info"]["id"]
        assert new_id == acknowledged[-1] + len(refusals) + 1
        assert info_ids(client, node) == acknowledged + [new_id]
    with simlab_serve("--data-dir", str(data)) as port, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
        assert info_ids(client, node) == acknowledged + [new_id]
        after_restart = client.post(f"/info/{node}", data={"contents": "x"}).json()["info"]["id"]
    assert after_restart == new_id + 1
