"""One owner per data folder: an OS lock held for the life of the serving process.

Two servers writing one SQLite file would each hand out the same ids and one
would overwrite the other's acknowledged rows.  The owner holds ``flock`` on
``simlab.lock`` in the folder; the kernel drops the lock when the process ends,
however it ends (SIGKILL included), so a stale lock cannot block a restart and
no pid check is needed.  The pid written into the file is only for the message
the next server prints.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..errors import ConfigError

LOCK_NAME = "simlab.lock"


class DataFolderBusy(ConfigError):
    """Another process owns the data folder."""

    def __init__(self, folder: Path, pid: str) -> None:
        owner = f"pid {pid}" if pid else "another process"
        super().__init__(f"data folder {folder}/ is in use by {owner} (one server per data folder)")
        self.folder = folder
        self.pid = pid


class FolderLock:
    """The exclusive lock on a data folder; released by ``release`` or by the process ending."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.fd: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock now or raise ``DataFolderBusy`` naming the owner's pid (never waits)."""
        if self.folder.exists() and not self.folder.is_dir():
            raise ConfigError(f"data folder {self.folder}/ cannot be used: it is a file, not a folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(f"data folder {self.folder}/ cannot be used: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise DataFolderBusy(self.folder, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None
