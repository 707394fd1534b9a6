"""Ctrl-C and SIGTERM end every kind of run the same way.

The first signal stops the bots (the engine's own stop, the recruited bots' scope)
and the run goes on to read the final state, run its checks and write its report
with what happened so far; a second signal cuts that short too.  The command then
prints one line and exits 130.  The receiver is opened first thing in the run's
trio run, so no signal finds trio's default handler (a traceback) once bots exist.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

import trio

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupt:
    """Which signal stopped a run (None: none did), and what to do at the first and second."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self.at: float | None = None
        self._first: list[Callable[[], object]] = []
        self._second: list[Callable[[], object]] = []

    def on_first(self, action: Callable[[], object]) -> None:
        self._first.append(action)
        if self.signal is not None:  # already interrupted: do it now
            action()

    def on_second(self, action: Callable[[], object]) -> None:
        self._second.append(action)

    def fire(self, name: str) -> None:
        """Act as if signal ``name`` arrived (the watcher calls it; tests may too)."""
        if self.signal is None:
            self.signal, self.at = name, trio.current_time()
            for action in self._first:
                action()
        else:
            for action in self._second:
                action()

    async def watch(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Turn SIGINT/SIGTERM into :meth:`fire` until cancelled (main thread only)."""
        with trio.open_signal_receiver(*SIGNALS) as signals:
            task_status.started()
            async for signum in signals:
                self.fire(signal.Signals(signum).name)
