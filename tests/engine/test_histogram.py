from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simlab.engine import LatencyHistogram
from simlab.engine.reporting.stats import RunStats
from simlab.engine.events import RequestEvent

micros = st.integers(min_value=0, max_value=5_000_000)


def nearest_rank(values: list[int], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] / 1e6


def build(values: list[int]) -> LatencyHistogram:
    h = LatencyHistogram()
    for us in values:
        h.record(us / 1e6)
    return h


@given(st.lists(micros, min_size=1, max_size=300), st.sampled_from([1, 25, 50, 90, 99, 99.9, 100]))
def test_percentile_is_nearest_rank_of_sorted_values(values: list[int], p: float) -> None:
    assert build(values).percentile(p) == nearest_rank(values, p)


@given(st.lists(micros, max_size=200), st.lists(micros, max_size=200))
def test_merge_equals_histogram_of_all_values(a: list[int], b: list[int]) -> None:
    merged = build(a)
    merged.merge(build(b))
    whole = build(a + b)
    assert merged == whole
    assert merged.count == len(a) + len(b)
    assert merged.percentiles([50, 90, 99]) == whole.percentiles([50, 90, 99])
    assert merged.max == whole.max


@given(st.lists(micros, max_size=100))
def test_dict_round_trip(values: list[int]) -> None:
    h = build(values)
    again = LatencyHistogram.from_dict(h.to_dict())
    assert again == h and again.count == h.count and again.total_us == h.total_us


def test_small_known_values() -> None:
    h = build([1000, 2000, 3000, 4000, 100_000])
    assert h.percentile(50) == 0.003
    assert h.percentile(90) == 0.1
    assert h.percentile(20) == 0.001
    assert h.max == 0.1 and h.min == 0.001
    assert h.mean == pytest.approx(0.022)


def test_empty_and_bad_input() -> None:
    h = LatencyHistogram()
    assert h.percentile(99) is None and h.max is None and h.mean is None
    with pytest.raises(ValueError, match="non-negative"):
        h.record(-0.1)
    with pytest.raises(ValueError, match="percentile p"):
        h.percentile(0)


def test_run_stats_merge_matches_one_stats_object() -> None:
    events = [
        RequestEvent("GET /a", "GET", 200, 0.001 * i, None if i % 3 else "HTTP 500", started=i * 0.4)
        for i in range(30)
    ] + [RequestEvent("POST /b", "POST", None, 0.5, "ConnectError", started=2.0)]
    one, left, right = RunStats(), RunStats(), RunStats()
    for i, e in enumerate(events):
        one.on_request(e)
        (left if i % 2 else right).on_request(e)
    left.merge(right)
    assert left.summary() == one.summary()
    assert left.timeline_series() == one.timeline_series()
    assert one.routes["GET /a"].errors == 10
    assert one.routes["POST /b"].statuses == {"none": 1}
    assert [p["count"] for p in one.timeline_series()][:2] == [3, 2]
