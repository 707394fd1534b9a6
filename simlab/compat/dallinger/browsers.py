"""The chromedrivers (and their Chromiums) a run started, each in a session of its own, reaped at the end.

Selenium starts chromedriver as a child process, and chromedriver starts
Chromium.  A bot thread abandoned at Ctrl-C, or a run ended by SIGTERM, would
leave both behind, reparented to init.  Each chromedriver is started in a new
session (``start_new_session``), so its process group holds it and its browser;
:func:`reap` kills every group still registered.  ``quit()`` unregisters.
"""

from __future__ import annotations

import os
import signal
import threading

_groups: set[int] = set()
_lock = threading.Lock()


def register(pid: int) -> None:
    """Keep ``pid``'s process group (a chromedriver started with ``start_new_session``)."""
    with _lock:
        _groups.add(pid)


def unregister(pid: int) -> None:
    with _lock:
        _groups.discard(pid)


def live() -> set[int]:
    with _lock:
        return set(_groups)


def reap() -> int:
    """Kill every registered group (chromedriver and its Chromium); return how many were still there."""
    with _lock:
        groups = set(_groups)
        _groups.clear()
    killed = 0
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
        try:
            os.waitpid(pgid, os.WNOHANG)  # chromedriver is our child: collect it
        except ChildProcessError:
            pass
    return killed
