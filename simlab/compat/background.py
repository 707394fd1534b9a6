"""Work beside the requests: ``background_tasks``, experiments' greenlets and ``@scheduled_task``.

Dallinger spawns each of ``Experiment.background_tasks`` with ``gevent.spawn`` at
``POST /launch``; experiments also spawn greenlets of their own from any hook,
and Dallinger's clock process runs ``@scheduled_task`` jobs when ``clock_on`` is
set.  One ``BackgroundWork`` per served app does the same on the trio thread:

- a plain function (Dallinger's kind) becomes a greenlet of the trio thread's hub
  (``greenlets.Bridge``), pumped by a trio task while any greenlet is alive, so
  each of its steps between gevent yields is one atomic store transaction;
- an ``async`` function (simlab's own kind) runs as a trio task in the app's nursery;
- each scheduled job runs when APScheduler's trigger says, in one transaction.

Everything stops with the server: greenlets get ``GreenletExit``, trio tasks are
cancelled.  Failures are logged with their traceback and undo only their own step.
"""

from __future__ import annotations

import inspect
import logging
import sys
from datetime import datetime
from collections.abc import Callable
from typing import Any

import trio

from ..domain.context import serving
from . import greenlets
from .schedule import ScheduledJob, scheduled_jobs

logger = logging.getLogger("simlab.background")

#: Seconds between two pumps right after one ran a greenlet; doubled after each pump that ran
#: none, up to ``WAIT_INTERVAL`` (so ``gevent.sleep`` is accurate to that, and a greenlet that
#: sleeps long costs ~50 wake-ups a second, not 200).
BUSY_INTERVAL = 0.005
WAIT_INTERVAL = 0.02
#: Seconds between two looks for greenlets while none is alive.
IDLE_INTERVAL = 0.05


class BackgroundWork:
    """The background work of one served experiment."""

    def __init__(self, experiment: Any, report: Callable[[str, BaseException], Any] | None = None) -> None:
        self.exp = experiment
        #: Where a task's exception goes (the app's record of the experiment's own errors), else the log.
        self.report = report
        self.nursery: trio.Nursery | None = None
        self._bridge: greenlets.Bridge | None = None
        self._pumping = False

    # ------------------------------------------------------------ lifecycle

    async def serve(self, nursery: trio.Nursery) -> None:
        """Called when the app starts serving: pump greenlets (if gevent is in use) and run the clock."""
        self.nursery = nursery
        if "gevent" in sys.modules and greenlets.available():
            self._start_pump()
        if self.exp.config.get("clock_on", False):
            jobs = scheduled_jobs(type(self.exp))
            for job in jobs:
                nursery.start_soon(self._clock, job)
            if jobs:
                logger.info("clock: %d scheduled task(s): %s", len(jobs), ", ".join(j.name for j in jobs))

    def stop(self) -> None:
        """End every greenlet of this thread's hub (the server is stopping)."""
        bridge, self._bridge = self._bridge, None
        if bridge is not None:
            bridge.apps -= 1
            with serving(self.exp):
                if bridge.apps <= 0:
                    bridge.stop()
                else:  # another app of this thread still uses the hub: end only this one's greenlets
                    bridge.stop_of(self.exp)

    # ----------------------------------------------------------- the tasks

    def start(self, tasks: Any) -> list[str]:
        """Start ``background_tasks`` (at launch); returns the names of those that could not start."""
        refused = []
        for task in tasks:
            if inspect.iscoroutinefunction(task):
                if self.nursery is None:
                    refused.append(_name(task))
                    continue
                self.nursery.start_soon(self._async_task, task)
            elif callable(task):
                if not greenlets.available() or self.nursery is None:
                    logger.error("background task %s not started: %s", _name(task), greenlets.MISSING)
                    refused.append(_name(task))
                    continue
                self._start_pump()
                assert self._bridge is not None
                with serving(self.exp):
                    self._bridge.spawn(task).name = _name(task)
            else:
                refused.append(repr(task))
        return refused

    async def _async_task(self, task: Any) -> None:
        with serving(self.exp):
            try:
                await task()
            except Exception as exc:
                if self.report is None:
                    logger.exception("background task %s failed", _name(task))
                else:
                    self.report(f"its background task {getattr(task, '__name__', _name(task))}", exc)

    # ------------------------------------------------------------- the pump

    def _start_pump(self) -> None:
        if self._bridge is None:
            self._bridge = greenlets.bridge()
            self._bridge.apps += 1
        if not self._pumping and self.nursery is not None:
            self._pumping = True
            self.nursery.start_soon(self._pump)

    async def _pump(self) -> None:
        """Run the ready greenlets, then wait a little; never blocks the loop for longer than a step."""
        interval = BUSY_INTERVAL
        try:
            while self._bridge is not None:
                bridge = self._bridge
                if bridge.has_work():
                    with serving(self.exp):
                        bridge.pump()
                    interval = BUSY_INTERVAL if bridge.ran else min(2 * interval, WAIT_INTERVAL)
                    await trio.sleep(interval)
                else:
                    interval = BUSY_INTERVAL
                    await trio.sleep(IDLE_INTERVAL)
        finally:
            self._pumping = False

    # ------------------------------------------------------------ the clock

    async def _clock(self, job: ScheduledJob) -> None:
        """Run ``job`` at each fire time of its trigger (Dallinger's clock process, in the server)."""
        previous = None
        while True:
            now = datetime.now(getattr(job.trigger, "timezone", None) or datetime.now().astimezone().tzinfo)
            fire = job.next_fire(previous, now)
            if fire is None:
                return
            await trio.sleep(max(0.0, (fire - now).total_seconds()))
            previous = fire
            with serving(self.exp):
                try:
                    with self.exp.store.transaction():
                        job.func()
                except Exception:
                    logger.exception("scheduled task %s failed", job.name)


def _name(task: Any) -> str:
    return getattr(task, "__qualname__", None) or getattr(task, "__name__", None) or repr(task)
