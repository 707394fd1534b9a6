"""Request and bot statistics for a run, built only from events.

:class:`RunStats` subscribes to a run's :class:`~simlab.engine.events.Events`.  Every
part of it is mergeable (counts add, histograms merge), which is what lets shards of
a run on several processes combine into one report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..events import BotEvent, Events, RequestEvent
from .histogram import LatencyHistogram

#: Percentiles every summary reports.
PERCENTILES = (50.0, 90.0, 99.0)


@dataclass(slots=True)
class RouteStats:
    """Counts, status codes, errors and latencies of one route name."""

    name: str
    count: int = 0
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    error_messages: Counter[str] = field(default_factory=Counter)
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    #: tries that met a pooled connection the server had closed, and were sent again
    stale_retries: int = 0

    def add(self, event: RequestEvent) -> None:
        """Count one request event (a stale-connection try only in ``stale_retries``)."""
        if event.stale:
            self.stale_retries += 1
            return
        self.count += 1
        self.statuses[str(event.status) if event.status is not None else "none"] += 1
        if event.error is not None:
            self.errors += 1
            self.error_messages[event.error[:200]] += 1
        self.latency.record(event.latency)

    def merge(self, other: RouteStats) -> None:
        """Add ``other`` (same route) into this one."""
        self.count += other.count
        self.errors += other.errors
        self.stale_retries += other.stale_retries
        self.statuses.update(other.statuses)
        self.error_messages.update(other.error_messages)
        self.latency.merge(other.latency)

    def summary(self) -> dict[str, Any]:
        """Return a JSON-ready summary: counts, error rate and p50/p90/p99/max in seconds."""
        pct = self.latency.percentiles(PERCENTILES)
        return {
            "name": self.name,
            "count": self.count,
            "errors": self.errors,
            "error_rate": self.errors / self.count if self.count else 0.0,
            "statuses": dict(sorted(self.statuses.items())),
            "p50": pct[50.0],
            "p90": pct[90.0],
            "p99": pct[99.0],
            "max": self.latency.max,
            "mean": self.latency.mean,
            "top_errors": dict(self.error_messages.most_common(5)),
            "stale_retries": self.stale_retries,
        }


@dataclass(slots=True)
class TimeBucket:
    """Requests that started within one second of run time."""

    count: int = 0
    errors: int = 0
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)

    def merge(self, other: TimeBucket) -> None:
        """Add ``other`` into this bucket."""
        self.count += other.count
        self.errors += other.errors
        self.latency.merge(other.latency)


@dataclass(frozen=True, slots=True)
class BotCounts:
    """How many bots are running and how the others ended."""

    started: int
    active: int
    finished: int
    failed: int
    stopped: int


class RunStats:
    """Aggregates a run's request and bot events.

    Args:
        origin: the trio time the run started; timeline buckets count from it.
        bucket: width of a timeline bucket in seconds.
    """

    def __init__(self, origin: float = 0.0, bucket: float = 1.0) -> None:
        if bucket <= 0:
            raise ValueError(f"bucket must be positive, got {bucket}")
        self.origin = origin
        self.bucket = bucket
        self.routes: dict[str, RouteStats] = {}
        self.timeline: dict[int, TimeBucket] = {}
        self.total = RouteStats("TOTAL")
        self.bot_outcomes: Counter[str] = Counter()
        self.bot_errors: Counter[str] = Counter()
        self.started = 0
        self.last_request_at = origin

    def attach(self, events: Events) -> RunStats:
        """Subscribe to ``events``; return self for chaining."""
        events.request.add_listener(self.on_request)
        events.bot_started.add_listener(self.on_bot_started)
        events.bot_stopped.add_listener(self.on_bot_stopped)
        return self

    def on_request(self, event: RequestEvent) -> None:
        """Count one request in its route, the total and its timeline bucket."""
        route = self.routes.get(event.name)
        if route is None:
            route = self.routes[event.name] = RouteStats(event.name)
        route.add(event)
        self.total.add(event)
        if event.stale:
            return
        key = int((event.started - self.origin) // self.bucket)
        bucket = self.timeline.get(key)
        if bucket is None:
            bucket = self.timeline[key] = TimeBucket()
        bucket.count += 1
        bucket.errors += event.error is not None
        bucket.latency.record(event.latency)
        self.last_request_at = max(self.last_request_at, event.started + event.latency)

    def on_bot_started(self, event: BotEvent) -> None:
        """Count a started bot."""
        self.started += 1

    def on_bot_stopped(self, event: BotEvent) -> None:
        """Count a bot's outcome (and its error message when it failed)."""
        self.bot_outcomes[event.outcome or "finished"] += 1
        if event.error:
            self.bot_errors[event.error[:200]] += 1

    def bots(self) -> BotCounts:
        """Return the current bot counts."""
        done = sum(self.bot_outcomes.values())
        return BotCounts(
            started=self.started,
            active=self.started - done,
            finished=self.bot_outcomes["finished"],
            failed=self.bot_outcomes["failed"],
            stopped=self.bot_outcomes["stopped"],
        )

    def merge(self, other: RunStats) -> None:
        """Add another run's (or shard's) stats into this one; origins must match."""
        for name, route in other.routes.items():
            self.routes.setdefault(name, RouteStats(name)).merge(route)
        self.total.merge(other.total)
        for key, bucket in other.timeline.items():
            self.timeline.setdefault(key, TimeBucket()).merge(bucket)
        self.bot_outcomes.update(other.bot_outcomes)
        self.bot_errors.update(other.bot_errors)
        self.started += other.started
        self.last_request_at = max(self.last_request_at, other.last_request_at)

    def summary(self) -> dict[str, Any]:
        """Return a JSON-ready summary of routes, totals and bots."""
        counts = self.bots()
        return {
            "routes": [self.routes[name].summary() for name in sorted(self.routes)],
            "total": self.total.summary(),
            "bots": {
                "started": counts.started,
                "finished": counts.finished,
                "failed": counts.failed,
                "stopped": counts.stopped,
                "top_errors": dict(self.bot_errors.most_common(5)),
            },
        }

    def timeline_series(self) -> list[dict[str, Any]]:
        """Return one point per non-empty bucket: start second, count, errors, p50, p99."""
        series = []
        for key in sorted(self.timeline):
            bucket = self.timeline[key]
            pct = bucket.latency.percentiles((50.0, 99.0))
            series.append(
                {
                    "t": key * self.bucket,
                    "count": bucket.count,
                    "errors": bucket.errors,
                    "p50": pct[50.0],
                    "p99": pct[99.0],
                    "max": bucket.latency.max,
                }
            )
        return series
