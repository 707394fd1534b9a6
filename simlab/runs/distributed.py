"""``simlab scenario run --workers N | --scheduler ADDRESS``: a scenario's bots on Dask distributed.

The coordinator (this module, in the ``simlab`` process) plans the run, starts the
server unless ``--url`` names one (:class:`~simlab.runs.serve_scenario.ServedScenario`),
posts ``/launch``, and submits one Dask task per shard
(:func:`~simlab.engine.sharding.shards.run_shard`).  Shards say they are ready through a Dask
``Queue``; once all are, a Dask ``Variable`` gives them one wall-clock start, so the
shards' arrivals add up to the scenario's schedule.  They report stats deltas every
second through the queue, which the coordinator merges for the live table; at the end
it merges their results, reads the final state and runs the checks once.

Faults: a shard whose task raises, whose worker dies (``KilledWorker``; a
``LocalCluster`` here allows no retries, and on any cluster a shard that starts twice
is a fault) or that stops reporting fails the run: the coordinator sets the run's
Dask ``Event``, the other shards stop their bots, and after ``stop_timeout`` seconds
any shard still running is abandoned.  Ctrl-C does the same and the report is still
written.  Dask is imported here and in :mod:`~simlab.engine.sharding.shards` only.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import signal
import time
import traceback
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import trio
from rich.console import Console
from rich.live import Live

from ..engine.clients.connect import ClientSource, Target
from ..engine.clients.dallinger import DallingerClient
from ..engine.engine import plan_arrivals
from ..engine.events import Events
from ..engine.clients.otree import OTreeClient
from ..engine.reporting.progress import summary_tables
from ..engine.reporting.report import RunReport
from ..engine.runner import RunOptions, describe
from ..engine.scenario import CheckContext, CheckResult, Scenario, run_check
from ..engine.seeds import derive_random
from ..engine.sharding.view import ShardState, merged_engine, merged_stats, shards_table
from ..engine.sharding.shards import ShardSpec, run_shard, shard_seed, split_limit, split_plan
from ..engine.reporting.snapshot import Snapshot, read_snapshot
from ..errors import RunUnavailable

MISSING = "--workers and --scheduler run shards on Dask distributed, an optional extra: pip install 'simlab[distributed]'"


class DistributedUnavailable(RunUnavailable):
    """Dask distributed is not installed, or the scheduler cannot be reached."""


class WorkersMissing(RunUnavailable):
    """The Dask cluster did not reach the wanted number of worker threads in time."""


def require_distributed() -> Any:
    """Import ``distributed`` or raise :class:`DistributedUnavailable` naming the extra."""
    try:
        import distributed
    except ImportError as exc:
        raise DistributedUnavailable(MISSING) from exc
    return distributed


@dataclass(frozen=True)
class DistributedOptions:
    """Where shards run and how long the coordinator waits on them.

    Args:
        workers: a ``LocalCluster`` of this many one-thread processes; with ``scheduler``,
            the number of shards (waiting until the cluster has that many threads).
        scheduler: the address of a running Dask scheduler.
        interval: seconds between a shard's progress reports.
        ready_timeout: seconds for every shard to be loaded on a worker.
        stop_timeout: seconds the shards get to stop after a fault or Ctrl-C.
        silence_timeout: a running shard silent this long has failed.
    """

    workers: int | None = None
    scheduler: str | None = None
    interval: float = 1.0
    ready_timeout: float = 120.0
    stop_timeout: float = 20.0
    silence_timeout: float = 60.0


@dataclass
class DistributedOutcome:
    """The run's report, the shards' faults (empty when all finished) and whether Ctrl-C stopped it."""

    report: RunReport
    faults: list[str] = field(default_factory=list)
    interrupted: bool = False


@contextlib.contextmanager
def dask_client(dist: DistributedOptions) -> Iterator[tuple[Any, int]]:
    """Yield a Dask client and the number of shards to run."""
    distributed = require_distributed()
    import dask

    if dist.scheduler:
        try:
            client = distributed.Client(dist.scheduler, timeout=min(30.0, dist.ready_timeout))
        except (OSError, ValueError) as exc:
            raise DistributedUnavailable(f"cannot reach the Dask scheduler at {dist.scheduler}: {exc}") from None
        try:
            want = dist.workers or 1
            deadline = time.monotonic() + dist.ready_timeout
            while (threads := sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())) < want:
                if time.monotonic() > deadline:
                    raise WorkersMissing(
                        f"the Dask cluster at {dist.scheduler} has {threads} worker threads after {dist.ready_timeout:g} s,"
                        f" fewer than --workers {want} (start more workers or lower --workers)"
                    )
                time.sleep(0.5)
            yield client, dist.workers or threads
        finally:
            client.close(timeout=10)
        return
    n = dist.workers or 1
    # a dead worker must fail its shard, not re-run it elsewhere (its bots would run twice);
    # the worker's stack-sampling profiler (every 10 ms) and GIL monitor take the GIL from
    # the shard's trio loop for nothing a load test reads, so they are off
    quiet = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.worker.profile.enabled": False,
        "distributed.admin.system-monitor.gil.enabled": False,
    }
    with dask.config.set(quiet):
        cluster = distributed.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR,
            preload=["simlab.engine.sharding.worker_setup"],
        )
        client = distributed.Client(cluster)
        try:
            yield client, n
        finally:
            client.close(timeout=10)
            cluster.close(timeout=10)


def _error_text(future: Any) -> str:
    exc = future.exception()
    tail = "".join(traceback.format_tb(future.traceback())[-2:]).strip() if future.traceback() else ""
    return f"{type(exc).__name__}: {exc}" + (f"\n{tail}" if tail else "")


class Monitor:
    """Folds the shards' messages and futures until all ended, a fault stopped them, or Ctrl-C."""

    def __init__(self, states: list[ShardState], futures: list[Any], handles: dict[str, Any], dist: DistributedOptions) -> None:
        self.states, self.futures, self.dist = states, futures, dist
        self.queue, self.stop_event, self.start_var = handles["queue"], handles["stop"], handles["start"]
        self.started_at: float | None = None
        self.stopping_since: float | None = None
        self.interrupted = False
        #: The signal that stopped the run (SIGINT, SIGTERM), once one did.
        self.signal: str | None = None
        self.t0 = time.monotonic()

    def stop(self) -> None:
        if self.stopping_since is None:
            self.stopping_since = time.monotonic()
            self.stop_event.set()

    def step(self) -> bool:
        """One round: read messages, look at futures, decide; True when the run is over."""
        for message in self.queue.get(batch=True):
            self.states[int(message["shard"])].apply(message)
        now = time.monotonic()
        if self.started_at is None and self.stopping_since is None:
            if all(s.starts for s in self.states):
                self.started_at = time.time() + 0.5
                self.start_var.set(self.started_at)
            elif now - self.t0 > self.dist.ready_timeout:
                for s in self.states:
                    if not s.starts:
                        s.fail(f"did not start within {self.dist.ready_timeout:g} s (too few worker threads?)")
        for state, future in zip(self.states, self.futures):
            if state.ended:
                continue
            if future.status == "finished":
                state.finish(future.result())
            elif future.status == "error":
                state.fail(_error_text(future))
            elif future.status == "cancelled":
                state.fail("its Dask task was cancelled")
            elif self.started_at is not None and state.status == "running" and now - state.last_seen > self.dist.silence_timeout:
                state.fail(f"sent no report for {self.dist.silence_timeout:g} s")
        if any(s.status == "failed" for s in self.states):
            self.stop()
        if all(s.ended for s in self.states):
            return True
        if self.stopping_since is not None and now - self.stopping_since > self.dist.stop_timeout:
            self.abandon(f"did not stop within {self.dist.stop_timeout:g} s of the stop request")
            return True
        return False

    def abandon(self, why: str) -> None:
        for state, future in zip(self.states, self.futures):
            if not state.ended:
                state.fail(why, status="abandoned")
                future.cancel()

    def run(self, console: Console, progress: bool) -> None:
        """Poll until the run is over; Ctrl-C or SIGTERM stops the shards (twice: abandons them)."""
        previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

        def interrupt(signum: int, _frame: Any) -> None:
            self.signal = self.signal or signal.Signals(signum).name
            raise KeyboardInterrupt

        for signum in previous:
            signal.signal(signum, interrupt)
        try:
            self._run(console, progress)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, console: Console, progress: bool) -> None:
        live = Live(shards_table(self.states), console=console, auto_refresh=False) if progress else contextlib.nullcontext()
        with live:
            last_draw = 0.0
            while True:
                try:
                    if self.step():
                        break
                    if progress and time.monotonic() - last_draw > 0.5:
                        last_draw = time.monotonic()
                        live.update(shards_table(self.states, time.monotonic() - self.t0), refresh=True)  # type: ignore[union-attr]
                    time.sleep(0.1)
                except KeyboardInterrupt:
                    if self.interrupted:
                        self.abandon("abandoned at the second Ctrl-C")
                        break
                    self.interrupted = True
                    self.signal = self.signal or "SIGINT"
                    if progress:
                        console.print(f"simlab: {self.signal}: stopping every shard (again to abandon them)")
                    self.stop()
            if progress:
                live.update(shards_table(self.states, time.monotonic() - self.t0), refresh=True)  # type: ignore[union-attr]


async def _launch(url: str, options: RunOptions, seed: int) -> None:
    source = ClientSource(Target.remote(url), shared=True)
    async with source.open(), source.client() as http:
        await DallingerClient(http, Events(), retry=options.retry, jitter=derive_random(seed, "side")).launch()


async def _final(
    url: str, options: RunOptions, seed: int, scenario: Scenario, states: Sequence[ShardState], decisions: dict[int, Any],
    observations: dict[int, Any],
) -> tuple[Snapshot | None, list[CheckResult]]:
    """Read the final state and run the scenario's checks, once, after every shard ended (bounded: 120 s)."""
    try:
        with trio.fail_after(120):
            return await _read_and_check(url, options, seed, scenario, states, decisions, observations)
    except Exception as exc:  # a dead server must still leave a report of what the shards did
        return None, [CheckResult("final_state", False, f"reading the final state failed: {type(exc).__name__}: {exc}")]


async def _read_and_check(
    url: str, options: RunOptions, seed: int, scenario: Scenario, states: Sequence[ShardState], decisions: dict[int, Any],
    observations: dict[int, Any],
) -> tuple[Snapshot | None, list[CheckResult]]:
    source = ClientSource(Target.remote(url), shared=True)
    side_events = Events()
    async with source.open(), source.client() as http:
        side = DallingerClient(http, side_events, retry=options.retry, jitter=derive_random(seed, "side"))
        snapshot = await read_snapshot(side) if options.snapshot else None
        ctx = CheckContext(
            dallinger=side,
            otree=OTreeClient(http, side_events, retry=options.retry, rest_key=options.otree_rest_key),
            snapshot=snapshot if snapshot is not None else Snapshot(),
            stats=merged_stats(states),
            engine=merged_engine(states),
            decisions=decisions,
            observations=observations,
        )
        return snapshot, [await run_check(fn, ctx) for fn in scenario.checks]


def _fault_lines(states: Sequence[ShardState]) -> list[str]:
    return [
        f"shard {s.index} {s.status} on {s.worker or 'no worker'} after {s.done_summary()}: {s.error}"
        for s in states
        if s.status in ("failed", "abandoned")
    ]


def run_distributed(
    scenario: Scenario, scenario_path: Path, options: RunOptions, dist: DistributedOptions, *, console: Console | None = None
) -> DistributedOutcome:
    """Run ``scenario`` as shards on Dask; return the merged report, the faults and whether Ctrl-C stopped it."""
    console = console or Console(stderr=True)
    if options.clock == "virtual":
        raise ValueError("--clock virtual needs a one-process in-process run; shards drive a server in real time")
    require_distributed()
    from distributed import Event, Queue, Variable

    from .serve_scenario import ServedScenario

    seed = scenario.seed if options.seed is None else options.seed
    if options.participants is not None:
        scenario = scenario.with_participants(options.participants)
    plan = plan_arrivals(scenario.all_populations(), scenario.limits)
    real0 = time.perf_counter()
    run_id = uuid.uuid4().hex[:12]
    with contextlib.ExitStack() as stack:
        client, n = stack.enter_context(dask_client(dist))
        url = options.url or stack.enter_context(ServedScenario(scenario_path, seed, options.participants)).url
        if options.progress:
            console.print(f"simlab: {n} shards on {client.scheduler.address}, server {url}")
        if scenario.launch:
            trio.run(_launch, url, options, seed)
        parts = split_plan(plan, n)
        finished = split_limit(scenario.limits.finished, [len(p) for p in parts])
        base = ShardSpec(
            index=0, shards=n, scenario_path=str(scenario_path.resolve()), participants=options.participants, url=url, seed=0,
            plan=(), limits=scenario.limits, run_id=run_id, interval=dist.interval, shared_client=options.shared_client,
            otree_rest_key=options.otree_rest_key, retry=options.retry,
        )
        specs = [
            replace(base, index=i, plan=tuple(part), seed=shard_seed(seed, i), limits=replace(scenario.limits, finished=finished[i]))
            for i, part in enumerate(parts)
        ]
        handles = {"queue": Queue(base.queue_name, client=client), "stop": Event(base.stop_name, client=client),
                   "start": Variable(base.start_name, client=client)}
        states = [ShardState(s.index, s.seed, len(s.plan)) for s in specs]
        futures = [client.submit(run_shard, s, key=f"simlab-shard-{s.index}-{run_id}", pure=False, retries=0) for s in specs]
        monitor = Monitor(states, futures, handles, dist)
        monitor.run(console, options.progress)
        run_seconds = time.time() - monitor.started_at if monitor.started_at else 0.0
        decisions: dict[int, Any] = {}
        observations: dict[int, Any] = {}
        for s in states:
            if s.result is not None:
                decisions.update(s.result.decisions)
                observations.update(s.result.observations)
        snapshot, checks = trio.run(functools.partial(_final, url, options, seed, scenario, states, decisions, observations))
    stats = merged_stats(states)
    faults = _fault_lines(states)
    thresholds = scenario.thresholds.evaluate(stats)
    ended = "; ".join(faults) or (f"stopped by {monitor.signal}" if monitor.interrupted else "every shard finished")
    thresholds.append(CheckResult("shards_completed", not faults and not monitor.interrupted, ended))
    config = describe(scenario, options, seed, ClientSource(Target.remote(url), shared=options.shared_client))
    config.update(target=options.url or f"{url} (simlab.runs.serve_scenario)", clock="real",
                  distributed={"shards": n, "scheduler": dist.scheduler or f"LocalCluster({n} workers)", "interval": dist.interval})
    report = RunReport(
        scenario=scenario.name, seed=seed, config=config, stats=stats, checks=checks, thresholds=thresholds, snapshot=snapshot,
        decisions=decisions, observations=observations, duration={"run": run_seconds, "real": time.perf_counter() - real0}, description=scenario.description,
        extra={"shards": [s.row() for s in states], "interrupted": monitor.signal if monitor.interrupted else False},
    )
    if options.progress:
        console.print(summary_tables(stats, checks, thresholds))
    if options.report_dir is not None:
        report.write(options.report_dir)
    return DistributedOutcome(report, faults, monitor.interrupted)
