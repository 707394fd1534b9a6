"""An exact, mergeable latency histogram.

Latencies are rounded to whole microseconds and counted per value, so percentiles
are exact at that resolution (no bucketing error) and two histograms merge by
adding counts: shards of a run, or the per-second buckets of a timeline, combine
into the same numbers one big histogram would give.  Memory grows with the number
of *distinct* microsecond values, which stays small because latencies cluster.

Percentiles use the nearest-rank definition: the p-th percentile of n values is the
smallest recorded value v such that at least ``ceil(p/100 * n)`` values are <= v.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

MICROS = 1_000_000


class LatencyHistogram:
    """Counts of latencies in whole microseconds.

    Example::

        h = LatencyHistogram()
        h.record(0.0012)
        h.percentile(50)  # 0.0012
    """

    __slots__ = ("_counts", "count", "total_us")

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self.count = 0
        self.total_us = 0

    def record(self, seconds: float, times: int = 1) -> None:
        """Add ``times`` observations of ``seconds`` (negative values raise)."""
        if seconds < 0:
            raise ValueError(f"latency must be non-negative, got {seconds}")
        us = round(seconds * MICROS)
        self._counts[us] = self._counts.get(us, 0) + times
        self.count += times
        self.total_us += us * times

    def merge(self, other: LatencyHistogram) -> None:
        """Add every observation of ``other`` into this histogram."""
        for us, n in other._counts.items():
            self._counts[us] = self._counts.get(us, 0) + n
        self.count += other.count
        self.total_us += other.total_us

    @classmethod
    def merged(cls, histograms: Iterable[LatencyHistogram]) -> LatencyHistogram:
        """Return a new histogram holding the observations of all ``histograms``."""
        out = cls()
        for h in histograms:
            out.merge(h)
        return out

    @property
    def max(self) -> float | None:
        """The largest observation in seconds, or ``None`` when empty."""
        return max(self._counts) / MICROS if self._counts else None

    @property
    def min(self) -> float | None:
        """The smallest observation in seconds, or ``None`` when empty."""
        return min(self._counts) / MICROS if self._counts else None

    @property
    def mean(self) -> float | None:
        """The mean in seconds (of the rounded values), or ``None`` when empty."""
        return self.total_us / self.count / MICROS if self.count else None

    def percentiles(self, ps: Iterable[float]) -> dict[float, float | None]:
        """Return the nearest-rank percentile for each p in ``ps`` (0 < p <= 100)."""
        wanted = sorted(set(ps))
        for p in wanted:
            if not 0 < p <= 100:
                raise ValueError(f"percentile p must be in (0, 100], got {p}")
        out: dict[float, float | None] = dict.fromkeys(wanted)
        if not self.count:
            return out
        ranks = [(p, max(1, math.ceil(p / 100 * self.count))) for p in wanted]
        seen = 0
        i = 0
        for us in sorted(self._counts):
            seen += self._counts[us]
            while i < len(ranks) and seen >= ranks[i][1]:
                out[ranks[i][0]] = us / MICROS
                i += 1
            if i == len(ranks):
                break
        return out

    def percentile(self, p: float) -> float | None:
        """Return the nearest-rank ``p``-th percentile in seconds, or ``None`` when empty."""
        return self.percentiles([p])[p]

    def items(self) -> list[tuple[float, int]]:
        """Return ``(seconds, count)`` pairs in increasing order of latency."""
        return [(us / MICROS, self._counts[us]) for us in sorted(self._counts)]

    def to_dict(self) -> dict[str, int]:
        """Serialize as ``{"<microseconds>": count}`` (JSON keys are strings)."""
        return {str(us): n for us, n in sorted(self._counts.items())}

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> LatencyHistogram:
        """Rebuild a histogram written by :meth:`to_dict`."""
        out = cls()
        for key, n in data.items():
            us = int(key)
            out._counts[us] = out._counts.get(us, 0) + int(n)
            out.count += int(n)
            out.total_us += us * int(n)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LatencyHistogram):
            return NotImplemented
        return self._counts == other._counts

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<LatencyHistogram count={self.count} distinct={len(self._counts)}>"
