"""One owner per data folder: an OS lock held for the life of the serving process.

Two servers writing one SQLite file would each hand out the same ids and one
would overwrite the other's acknowledged rows.  The owner holds ``flock`` on
the database file itself (so deleting ``simlab.lock``, a common reflex for a
"stale" lock, cannot let a second server in) and on ``simlab.lock``, which
holds its pid for the message the next server prints.  The kernel drops both
locks when the process ends, however it ends (SIGKILL included), so a stale
lock cannot block a restart and no pid check is needed.  ``flock`` locks are
apart from the POSIX record locks SQLite itself takes on the file, and other
processes (``simlab export``) may still read it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..errors import ConfigError

LOCK_NAME = "simlab.lock"
#: The database file a server owns (``simlab.store.sqlite.FILE_NAME``).
DATA_FILE = "simlab.sqlite3"


class DataFolderBusy(ConfigError):
    """Another process owns the data folder."""

    def __init__(self, folder: Path, pid: str) -> None:
        owner = f"pid {pid}" if pid else "another process"
        super().__init__(f"data folder {folder}/ is in use by {owner} (one server per data folder)")
        self.folder = folder
        self.pid = pid


class FolderLock:
    """The exclusive lock on a data folder; released by ``release`` or by the process ending."""

    def __init__(self, folder: Path, data_file: str = DATA_FILE) -> None:
        self.folder = Path(folder)
        self.data_file = data_file
        self.fd: int | None = None
        self.data_fd: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock now or raise ``DataFolderBusy`` naming the owner's pid (never waits)."""
        if self.folder.exists() and not self.folder.is_dir():
            raise ConfigError(f"data folder {self.folder}/ cannot be used: it is a file, not a folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data_fd = os.open(self.folder / self.data_file, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(f"data folder {self.folder}/ cannot be used: {exc.strerror or exc}") from None
        if not _try_flock(data_fd):
            pid = _owner_pid(self.folder / LOCK_NAME) or _flock_holder(data_fd)
            os.close(data_fd)
            raise DataFolderBusy(self.folder, pid)
        try:
            fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            os.close(data_fd)
            raise ConfigError(f"data folder {self.folder}/ cannot be used: {exc.strerror or exc}") from None
        if not _try_flock(fd):  # an older simlab holds only this one
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            os.close(data_fd)
            raise DataFolderBusy(self.folder, pid)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd, self.data_fd = fd, data_fd
        return self

    def release(self) -> None:
        """Drop both locks (closing a descriptor drops its flock); call only once SQLite has closed the file."""
        for name in ("fd", "data_fd"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _owner_pid(lock_file: Path) -> str:
    """The pid the owner wrote into ``simlab.lock`` ("" when the file is gone or empty)."""
    try:
        return lock_file.read_text("ascii", "replace").strip()[:32]
    except OSError:
        return ""


def _flock_holder(fd: int) -> str:
    """The pid holding a flock on ``fd``'s file, from ``/proc/locks`` ("" when unknown)."""
    st = os.fstat(fd)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return ""
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == inode and fields[4] != str(os.getpid()):
            return fields[4]
    return ""
