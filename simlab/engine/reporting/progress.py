"""Live progress in the terminal (rich) and the end-of-run summary tables.

The live view is redrawn by a trio task (``auto_refresh=False``: rich's own refresh
runs in a thread, which the engine avoids).  It reads :class:`RunStats` and the
engine's counts; it never touches the bots.
"""

from __future__ import annotations

import time
from collections import deque

import trio
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from ..engine import Engine
from ..scenario import CheckResult
from .stats import RunStats


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


class Progress:
    """Draws bots active/finished/failed, req/s, errors and p50/p99 while a run goes.

    Args:
        console: where to draw.
        stats: the run's stats.
        engine: the engine (for planned/active counts).
        interval: seconds (of run time) between redraws.
        virtual: label run time as simulated.
    """

    def __init__(self, console: Console, stats: RunStats, engine: Engine, *, interval: float = 0.5, virtual: bool = False) -> None:
        self.console = console
        self.stats = stats
        self.engine = engine
        self.interval = interval
        self.virtual = virtual
        self._window: deque[tuple[float, int]] = deque(maxlen=8)
        self._real0 = time.perf_counter()

    #: Narrower consoles (a terminal of 80 columns) get the bots and the requests in two tables.
    WIDE = 120

    def render(self) -> Table | Group:
        """Return the progress table(s) for the current moment; no header is cut at the console's width."""
        now = trio.current_time()
        self._window.append((now, self.stats.total.count))
        (t0, c0), (t1, c1) = self._window[0], self._window[-1]
        e = self.engine.statistics()
        total = self.stats.total
        pct = total.latency.percentiles((50.0, 99.0))
        origin = self.engine.origin if self.engine.origin is not None else now
        if t1 <= t0:  # one frame only (not a terminal): the whole run's rate
            t0, c0 = origin, 0
        rate = (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0
        clock = f"{now - origin:.1f}s" + (" sim" if self.virtual else "") + f" / {time.perf_counter() - self._real0:.1f}s"
        bots = {"time": clock, "bots active": e.active, "finished": e.finished, "failed": e.failed, "stopped": e.stopped, "planned": e.planned}
        requests = {"requests": total.count, "req/s": f"{rate:.0f}", "errors": total.errors, "p50 ms": _ms(pct[50.0]), "p99 ms": _ms(pct[99.0])}
        if self.console.width >= self.WIDE:
            return _table({**bots, **requests})
        return Group(_table(bots), _table(requests))

    async def run(self, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Redraw until cancelled; the last frame stays on screen.

        Not on a terminal (a log, a pipe, CI) nothing is redrawn: the last frame is
        printed once, as plain lines.
        """
        if not self.console.is_terminal:
            task_status.started()
            try:
                await trio.sleep_forever()
            finally:
                self.console.print(self.render())
        with Live(self.render(), console=self.console, auto_refresh=False, transient=False) as live:
            task_status.started()
            try:
                while True:
                    await trio.sleep(self.interval)
                    live.update(self.render(), refresh=True)
            finally:
                live.update(self.render(), refresh=True)


def _table(cells: dict[str, object]) -> Table:
    table = Table(title=None, box=None, show_header=True, header_style="bold")
    for col in cells:
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    table.add_row(*(str(v) for v in cells.values()))
    return table


def summary_tables(stats: RunStats, checks: list[CheckResult], thresholds: list[CheckResult]) -> Group:
    """Return the end-of-run tables: per-route stats, then checks and thresholds."""
    stale = stats.total.stale_retries
    caption = f"retried on a stale connection: {stale}" if stale else None
    routes = Table(title="requests by route", caption=caption)
    for col in ("route", "count", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms"):
        routes.add_column(col, justify="left" if col == "route" else "right")
    for route in [*(stats.routes[name] for name in sorted(stats.routes)), stats.total]:
        s = route.summary()
        routes.add_row(s["name"], str(s["count"]), str(s["errors"]), _ms(s["p50"]), _ms(s["p90"]), _ms(s["p99"]), _ms(s["max"]))
    results = Table(title="checks and thresholds")
    results.add_column("")
    results.add_column("name")
    results.add_column("message")
    for r in [*checks, *thresholds]:
        results.add_row("[green]PASS[/]" if r.passed else "[red]FAIL[/]", r.name, r.message)
    return Group(routes, results)
