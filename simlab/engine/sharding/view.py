"""The coordinator's view of its shards: what each has done, live and in the report.

Pure bookkeeping (no Dask here): :class:`ShardState` folds a shard's progress
messages (stats deltas that merge exactly) and, at the end, its result; a shard that
died keeps what its last messages said, which is what the report shows for it.
"""

from __future__ import annotations

import pickle
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table

from ..engine import EngineStatistics
from .shards import ShardResult
from ..reporting.stats import RunStats

#: Shard states that are final.
ENDED = ("done", "stopped", "failed", "abandoned")


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


@dataclass
class ShardState:
    """One shard as the coordinator knows it."""

    index: int
    seed: int
    planned: int
    status: str = "queued"
    worker: str = ""
    error: str | None = None
    stats: RunStats = field(default_factory=RunStats)
    engine: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0, 0])
    result: ShardResult | None = None
    starts: int = 0
    last_seen: float = field(default_factory=time.monotonic)
    _window: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=6))

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def apply(self, message: dict[str, Any]) -> None:
        """Fold one progress message (``start``, ``progress`` or ``done``) into the state."""
        self.last_seen = time.monotonic()
        if self.ended:
            return
        kind = message.get("kind")
        if kind == "start":
            self.starts += 1
            if self.starts > 1:
                self.fail(f"started a second time on {message.get('worker')}: its first worker ({self.worker}) died and Dask re-ran it")
                return
            self.worker = str(message.get("worker", ""))
            self.status = "running"
        if message.get("delta") is not None:
            self.stats.merge(pickle.loads(message["delta"]))
        if message.get("engine"):
            self.engine = [int(x) for x in message["engine"]]
        if kind == "done":
            self.status = "finishing"
        self._window.append((time.monotonic(), self.stats.total.count))

    def finish(self, result: ShardResult) -> None:
        """Take the shard's returned result (exact; it replaces the merged deltas)."""
        self.result = result
        self.stats = result.stats
        e = result.engine
        self.engine = [e.planned, e.started, e.active, e.finished, e.failed, e.stopped]
        self.worker = result.worker or self.worker
        self.status = "stopped" if result.stopped else "done"

    def fail(self, error: str, status: str = "failed") -> None:
        """Mark the shard failed (or abandoned) with ``error``; its stats stay as last reported."""
        if not self.ended:
            self.status = status
            self.error = error

    def rate(self) -> float:
        """Requests per second over the last few reports."""
        if len(self._window) < 2:
            return 0.0
        (t0, c0), (t1, c1) = self._window[0], self._window[-1]
        return (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0

    def engine_statistics(self) -> EngineStatistics:
        return EngineStatistics(*self.engine)

    def done_summary(self) -> str:
        """What the shard had done, in words (for fault messages)."""
        e = self.engine
        return f"{self.stats.total.count} requests ({self.stats.total.errors} errors), bots: {e[1]} started, {e[3]} finished, {e[4]} failed, {e[5]} stopped"

    def row(self) -> dict[str, Any]:
        """The shard's line in ``report.json``."""
        total = self.stats.total
        pct = total.latency.percentiles((50.0, 99.0))
        return {
            "shard": self.index,
            "seed": self.seed,
            "worker": self.worker,
            "status": self.status,
            "error": self.error,
            "planned": self.planned,
            "started": self.engine[1],
            "finished": self.engine[3],
            "failed": self.engine[4],
            "stopped": self.engine[5],
            "requests": total.count,
            "errors": total.errors,
            "p50": pct[50.0],
            "p99": pct[99.0],
            "run_seconds": self.result.run_seconds if self.result else None,
            "decisions_digest": self.result.decisions_digest if self.result else None,
        }


def merged_stats(states: Sequence[ShardState]) -> RunStats:
    """All shards' stats merged into one (exact: counts add, histograms merge)."""
    out = RunStats()
    for state in states:
        out.merge(state.stats)
    return out


def merged_engine(states: Sequence[ShardState]) -> EngineStatistics:
    """The shards' bot counts added up."""
    return EngineStatistics(*(sum(s.engine[k] for s in states) for k in range(6)))


def shards_table(states: Sequence[ShardState], elapsed: float | None = None) -> Table:
    """The live (and final) table: one row per shard, then the merged total."""
    title = None if elapsed is None else f"{elapsed:.1f}s"
    table = Table(title=title, box=None, header_style="bold")
    for col in ("shard", "status", "worker", "active", "finished", "failed", "stopped", "planned", "requests", "req/s", "errors", "p50 ms", "p99 ms"):
        table.add_column(col, justify="left" if col in ("status", "worker") else "right")
    for s in states:
        pct = s.stats.total.latency.percentiles((50.0, 99.0))
        e = s.engine
        table.add_row(
            str(s.index), s.status, s.worker[:40], str(e[2]), str(e[3]), str(e[4]), str(e[5]), str(s.planned),
            str(s.stats.total.count), f"{s.rate():.0f}", str(s.stats.total.errors), _ms(pct[50.0]), _ms(pct[99.0]),
        )
    total = merged_stats(states).total
    pct = total.latency.percentiles((50.0, 99.0))
    e = merged_engine(states)
    table.add_row(
        "all", "", "", str(e.active), str(e.finished), str(e.failed), str(e.stopped), str(sum(s.planned for s in states)),
        str(total.count), f"{sum(s.rate() for s in states):.0f}", str(total.errors), _ms(pct[50.0]), _ms(pct[99.0]),
        style="bold",
    )
    return table
