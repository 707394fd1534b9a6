"""The transmit-route benchmark behind ``simlab bench transmit``.

Sets up a network of N nodes with neighbours through the API (so it works
against any server speaking Dallinger's API), optionally preloads M stored
infos and transmissions, then, at each concurrency, drives in turn: the trivial
``GET /health`` (the same-run ceiling of the web stack), ``POST
/node/<id>/transmit`` with an explicit info and neighbour, and the read side
(``GET /node/<id>/transmissions``, ``GET /node/<id>/received_infos``).  Each bot
has its own lean keep-alive connection so the client is not the bottleneck.
Every phase stops after ``duration`` seconds or ``max_requests`` requests.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import trio

from ..engine.reporting.histogram import LatencyHistogram
from .h11_client import H11Connection

ROUTES = ("GET /health", "POST /node/<id>/transmit", "GET /node/<id>/transmissions", "GET /node/<id>/received_infos")


@dataclass(frozen=True)
class Target:
    """One transmit: a node, one of its infos, and a neighbour."""

    node: int
    info: int
    neighbour: int


@dataclass
class PhaseResult:
    route: str
    concurrency: int
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    histogram: LatencyHistogram = field(default_factory=LatencyHistogram)

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def row(self) -> dict[str, Any]:
        h = self.histogram
        ms = lambda p: round(h.percentile(p) * 1000, 3) if h.count else None  # noqa: E731
        return {
            "route": self.route,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.rate, 1),
            "p50_ms": ms(50),
            "p90_ms": ms(90),
            "p99_ms": ms(99),
            "max_ms": ms(100),
        }


def _json(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"))


async def _call(conn: H11Connection, method: str, target: str, body: bytes = b"") -> Any:
    status, data = await conn.request(method, target, body)
    if status != 200:
        raise RuntimeError(f"{method} {target} answered {status}: {data[:300]!r}")
    return _json(data)


async def setup(url: str, nodes: int, preload_remote: int = 0) -> list[Target]:
    """Launch, create ``nodes`` participants with a node and an info each; return the targets.

    With ``preload_remote``, also store that many infos and transmissions through the
    API (for servers the benchmark cannot preload in-process, e.g. real Dallinger).
    """
    conn = H11Connection(url, timeout=600)
    try:
        await _call(conn, "POST", "/launch")
        stamp = f"{time.time_ns():x}"
        node_ids = []
        for i in range(nodes):
            pid = (await _call(conn, "POST", f"/participant/b{stamp}{i}/h{stamp}/a{stamp}{i}/debug"))["participant"]["id"]
            node_ids.append((await _call(conn, "POST", f"/node/{pid}"))["node"]["id"])
        targets = []
        for k, node in enumerate(node_ids):
            info = (await _call(conn, "POST", f"/info/{node}", f"contents=bench+{k}".encode()))["info"]["id"]
            targets.append(Target(node, info, node_ids[(k + 1) % len(node_ids)]))
        for i in range(preload_remote):
            t = targets[i % len(targets)]
            info = (await _call(conn, "POST", f"/info/{t.node}", b"contents=ballast"))["info"]["id"]
            await _call(conn, "POST", f"/node/{t.node}/transmit", f"what={info}&to_whom={t.neighbour}".encode())
        return targets
    finally:
        await conn.aclose()


Request = Callable[[int], tuple[str, str, bytes]]


def requests_for(route: str, targets: list[Target]) -> Request:
    """A function from a request counter to (method, path, body) for ``route``."""
    n = len(targets)
    if route == "GET /health":
        return lambda k: ("GET", "/health", b"")
    if route == "POST /node/<id>/transmit":

        def transmit(k: int) -> tuple[str, str, bytes]:
            t = targets[k % n]
            return "POST", f"/node/{t.node}/transmit", f"what={t.info}&to_whom={t.neighbour}".encode()

        return transmit
    if route == "GET /node/<id>/transmissions":
        # the polling pattern of Dallinger pages: receive what is pending (a bounded list)
        return lambda k: ("GET", f"/node/{targets[k % n].neighbour}/transmissions?status=pending", b"")
    if route == "GET /node/<id>/received_infos":
        return lambda k: ("GET", f"/node/{targets[k % n].neighbour}/received_infos", b"")
    raise ValueError(f"unknown route {route!r}")


async def drive(url: str, route: str, make: Request, concurrency: int, duration: float, max_requests: int) -> PhaseResult:
    """Run ``concurrency`` bots sending ``make(k)`` requests until time or count runs out."""
    result = PhaseResult(route, concurrency)
    budget = max_requests
    counter = 0
    deadline = trio.current_time() + duration

    async def bot() -> None:
        nonlocal budget, counter
        conn = H11Connection(url)
        try:
            while budget > 0 and trio.current_time() < deadline:
                budget -= 1
                method, path, body = make(counter)
                counter += 1
                start = time.perf_counter()
                try:
                    status, _ = await conn.request(method, path, body)
                except (OSError, trio.BrokenResourceError, trio.TooSlowError):
                    status = 0
                result.histogram.record(time.perf_counter() - start)
                result.requests += 1
                if status != 200:
                    result.errors += 1
        finally:
            await conn.aclose()

    started = time.perf_counter()
    async with trio.open_nursery() as nursery:
        for _ in range(concurrency):
            nursery.start_soon(bot)
    result.elapsed = time.perf_counter() - started
    return result


async def run(
    url: str,
    targets: list[Target],
    concurrency: list[int],
    duration: float,
    max_requests: int,
    routes: tuple[str, ...] = ROUTES,
    on_result: Callable[[PhaseResult], None] | None = None,
) -> list[PhaseResult]:
    """Every route at every concurrency, in that order, on the same server."""
    results = []
    for c in concurrency:
        for route in routes:
            result = await drive(url, route, requests_for(route, targets), c, duration, max_requests)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def ratios(results: list[PhaseResult]) -> dict[int, float]:
    """transmit req/s divided by the same-run health req/s, per concurrency."""
    by = {(r.route, r.concurrency): r.rate for r in results}
    out = {}
    for (route, c), rate in by.items():
        health = by.get(("GET /health", c))
        if route == "POST /node/<id>/transmit" and health:
            out[c] = round(rate / health, 3)
    return out
