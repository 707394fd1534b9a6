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


#: Exception types that say the machine failed (a driver or browser gone, a port refusing), not the study.
_INFRA_TYPES = frozenset(
    {"MaxRetryError", "NewConnectionError", "ConnectionRefusedError", "ConnectionResetError", "RemoteDisconnected",
     "InvalidSessionIdException", "NoSuchWindowException", "SessionNotCreatedException", "ProtocolError"}
)
_INFRA_TEXT = ("chrome not reachable", "not connected to devtools", "session deleted", "disconnected:", "connection refused",
               "target window already closed", "browser has closed", "failed to establish a new connection")


def infrastructure(exc: BaseException) -> str | None:
    """Why ``exc`` is the machine's failure (a webdriver or browser that died, a port refusing), or None.

    Read from the exception chain's types and texts, so neither Selenium nor urllib3
    needs importing here.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if type(exc).__name__ in _INFRA_TYPES or any(part in text for part in _INFRA_TEXT):
            return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}".rstrip(": ")
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None
