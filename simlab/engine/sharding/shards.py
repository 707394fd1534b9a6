"""Shards of a distributed run: how a run's bots are split, and what one shard runs.

A shard is a plain ``trio.run`` of the :class:`~simlab.engine.engine.Engine` inside a
Dask task (:func:`run_shard`).  The coordinator plans the whole run once
(:func:`~simlab.engine.engine.plan_arrivals`) and gives shard *i* every bot whose id
is ``i`` modulo the number of shards: each population's arrivals keep their times
(so each shard sees ``rate / n`` and the shards together see the scenario's rate),
bots keep the ids a one-process run gives them (so sign-up ids never collide
across shards), and a population of one bot still lands on one shard.  Shard *i*
draws its bots' decisions from :func:`shard_seed`, so the same run seed and shard
count give each shard the same decisions.

Shards reach the server over HTTP only and report to the coordinator every
``interval`` seconds through a :class:`Reporter` (a Dask ``Queue`` and ``Event`` in
:func:`run_shard`; the trio code here sees only the protocol, and calls it in a
thread so Dask's own event loop never runs inside the shard's trio loop).
"""

from __future__ import annotations

import os
import pickle
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import trio

from ..clients.connect import ClientSource, Target
from ..engine import Arrival, Engine, EngineStatistics
from ..events import BotEvent, Events, RequestEvent
from ..population import Limits
from ..reporting.report import decisions_digest
from ..clients.retry import RetryPolicy
from ..seeds import derive_seed
from ..reporting.stats import RunStats


def shard_seed(seed: int, index: int) -> int:
    """The seed of shard ``index`` of a run seeded ``seed`` (a 63-bit int)."""
    return derive_seed(seed, "shard", index) % 2**63


def split_plan(plan: Sequence[Arrival], shards: int) -> list[list[Arrival]]:
    """Split a run's arrivals over ``shards``: bot ``b`` goes to shard ``(b - 1) % shards``."""
    if shards < 1:
        raise ValueError(f"shards must be >= 1, got {shards}")
    out: list[list[Arrival]] = [[] for _ in range(shards)]
    for arrival in plan:
        out[(arrival.bot - 1) % shards].append(arrival)
    return out


def split_limit(total: int | None, weights: Sequence[int]) -> list[int | None]:
    """Split a count limit (``Limits.finished``) in proportion to ``weights``, summing to ``total``."""
    if total is None:
        return [None] * len(weights)
    whole = sum(weights)
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda k: (parts[k] - exact[k], k))[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class ShardSpec:
    """Everything one shard needs; small and picklable (the scenario is re-loaded by path).

    Attributes:
        index: the shard's number, from 0.
        shards: how many shards the run has.
        scenario_path: the scenario file (at the same path on every worker).
        participants: ``--participants`` as the coordinator applied it.
        url: the server every shard drives.
        seed: this shard's seed (:func:`shard_seed`).
        plan: this shard's arrivals (global bot ids and times).
        limits: the run's limits, with this shard's share of ``finished``.
        run_id: names the Dask queue and stop event of this run.
        interval: seconds between progress reports.
        shared_client: ``--client`` (None: a client per bot, as for any URL).
        otree_rest_key: sent by oTree callers.
        retry: the bots' retry policy.
    """

    index: int
    shards: int
    scenario_path: str
    participants: int | None
    url: str
    seed: int
    plan: tuple[Arrival, ...]
    limits: Limits
    run_id: str
    interval: float = 1.0
    shared_client: bool | None = None
    otree_rest_key: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def queue_name(self) -> str:
        return f"simlab-progress-{self.run_id}"

    @property
    def stop_name(self) -> str:
        return f"simlab-stop-{self.run_id}"

    @property
    def start_name(self) -> str:
        return f"simlab-start-{self.run_id}"


@dataclass
class ShardResult:
    """What a shard returns: its stats, its bots' counts and decisions, and why it ended."""

    index: int
    seed: int
    worker: str
    stats: RunStats
    engine: EngineStatistics
    decisions: dict[int, list[tuple[str, object]]]
    decisions_digest: str
    run_seconds: float
    stopped: bool
    observations: dict[int, list[tuple[str, object]]] = field(default_factory=dict)


class Reporter(Protocol):
    """The shard's line to the coordinator (blocking calls; the shard runs them in a thread)."""

    def put(self, message: dict[str, Any]) -> None: ...

    def stop_requested(self) -> bool: ...

    def wait_start(self, timeout: float) -> float | None:
        """The run's wall-clock start once every shard is ready, or None after ``timeout`` seconds."""


class DeltaStats:
    """Forwards events to a :class:`RunStats` it hands over and replaces on :meth:`take`.

    Each report carries only what happened since the previous one; merging the
    deltas gives exactly the shard's totals (counts add, histograms merge).
    """

    def __init__(self, origin: float) -> None:
        self.origin = origin
        self.current = RunStats(origin=origin)

    def attach(self, events: Events) -> DeltaStats:
        events.request.add_listener(self.on_request)
        events.bot_started.add_listener(self.on_bot_started)
        events.bot_stopped.add_listener(self.on_bot_stopped)
        return self

    def on_request(self, event: RequestEvent) -> None:
        self.current.on_request(event)

    def on_bot_started(self, event: BotEvent) -> None:
        self.current.on_bot_started(event)

    def on_bot_stopped(self, event: BotEvent) -> None:
        self.current.on_bot_stopped(event)

    def take(self) -> RunStats:
        """Return what was counted since the last call and start counting afresh."""
        out, self.current = self.current, RunStats(origin=self.origin)
        return out


def worker_name() -> str:
    """``host:pid`` of this process (Dask's worker address is added by :func:`run_shard`)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _message(spec: ShardSpec, kind: str, worker: str, engine: EngineStatistics, delta: RunStats | None) -> dict[str, Any]:
    """A progress message: plain types and pickled stats (Dask queues carry msgpack)."""
    return {
        "shard": spec.index,
        "kind": kind,
        "worker": worker,
        "at": time.time(),
        "engine": [engine.planned, engine.started, engine.active, engine.finished, engine.failed, engine.stopped],
        "delta": pickle.dumps(delta) if delta is not None else None,
    }


async def shard_main(spec: ShardSpec, populations: Sequence[Any], reporter: Reporter, worker: str) -> ShardResult:
    """Run one shard's bots against ``spec.url`` once the coordinator says start, reporting as it goes."""
    events = Events()
    source = ClientSource(Target.remote(spec.url), shared=spec.shared_client)
    engine = Engine(
        populations, source, seed=spec.seed, events=events, limits=spec.limits, retry=spec.retry,
        otree_rest_key=spec.otree_rest_key, plan=spec.plan,
    )

    async def put(kind: str, delta: RunStats | None) -> None:
        await trio.to_thread.run_sync(reporter.put, _message(spec, kind, worker, engine.statistics(), delta))

    await put("start", None)
    stopped = False
    while (start_at := await trio.to_thread.run_sync(reporter.wait_start, 1.0)) is None:
        if await trio.to_thread.run_sync(reporter.stop_requested):  # stopped before the run began
            start_at, stopped, engine.plan = time.time(), True, []
            break
    await trio.sleep(max(0.0, start_at - time.time()))
    origin = trio.current_time()
    total = RunStats(origin=origin)
    delta = DeltaStats(origin).attach(events)

    async def report_loop() -> None:
        while True:
            await trio.sleep(spec.interval)
            taken = delta.take()
            total.merge(taken)
            await put("progress", taken)

    async def stop_watch() -> None:
        nonlocal stopped
        while True:  # keeps stopping: a stop that lands before the engine's scope exists is not lost
            if stopped or await trio.to_thread.run_sync(reporter.stop_requested):
                stopped = True
                engine.stop()
            await trio.sleep(min(0.5, spec.interval))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(report_loop)
        nursery.start_soon(stop_watch)
        await engine.run()
        nursery.cancel_scope.cancel()
    run_seconds = trio.current_time() - origin
    taken = delta.take()
    total.merge(taken)
    await put("done", taken)
    decisions = dict(engine.decisions)
    return ShardResult(
        spec.index, spec.seed, worker, total, engine.statistics(), decisions, decisions_digest(decisions), run_seconds, stopped,
        dict(engine.observations),
    )


def load_shard_populations(spec: ShardSpec) -> list[Any]:
    """Load the scenario on this worker and return its populations as the coordinator saw them."""
    from ..loader import load_scenario

    scenario = load_scenario(Path(spec.scenario_path))
    if spec.participants is not None:
        scenario = scenario.with_participants(spec.participants)
    return scenario.all_populations()


class DaskReporter:
    """Reports through a ``distributed.Queue`` and reads a ``distributed.Event`` (made in the task thread)."""

    def __init__(self, spec: ShardSpec) -> None:
        from distributed import Event, Queue, Variable

        self._queue = Queue(spec.queue_name)
        self._stop = Event(spec.stop_name)
        self._start = Variable(spec.start_name)

    def put(self, message: dict[str, Any]) -> None:
        try:
            self._queue.put(message, timeout=10)
        except Exception:  # a lost report only delays the live view; the result carries the totals
            pass

    def stop_requested(self) -> bool:
        try:
            return bool(self._stop.is_set())
        except Exception:  # the coordinator is gone: stop rather than run unwatched
            return True

    def wait_start(self, timeout: float) -> float | None:
        try:
            return float(self._start.get(timeout=timeout))
        except TimeoutError:
            return None


def run_shard(spec: ShardSpec) -> ShardResult:
    """The Dask task: load the scenario, then ``trio.run`` this shard of it (real clock)."""
    from distributed import get_worker

    try:
        worker = f"{get_worker().address} ({worker_name()})"
    except ValueError:
        worker = worker_name()
    populations = load_shard_populations(spec)
    reporter = DaskReporter(spec)
    return trio.run(shard_main, spec, populations, reporter, worker)

