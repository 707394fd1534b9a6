"""Run a scenario end to end: server, launch, bots, checks, report.

The engine's side of a run: a :class:`Target` (an in-process app or a URL) in, a
:class:`RunReport` out.  Building simlab's own server for a run is
:mod:`simlab.runs.inprocess` (``run_scenario``); bots reach it only through HTTP.

In-process runs default to a **virtual clock** (trio's ``MockClock`` with autojump):
think times and arrival gaps cost no real time, and, because the engine never lets
two bots wake at the same instant, the interleaving of requests, hence the final
graph, depends only on the seed.  ``--clock real`` runs in real time instead (for
latency under real concurrency); ``--url`` runs are always real.
"""

from __future__ import annotations

import time
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trio
from rich.console import Console

from .clients.connect import ClientSource, Target
from .clients.dallinger import DallingerClient
from .engine import Engine
from .events import Events
from .clients.otree import OTreeClient
from .interrupt import Interrupt
from .reporting.live import LiveState
from .reporting.progress import Progress, summary_tables
from .reporting.report import RunReport
from .sanity import earlier_state, nothing_done
from .clients.retry import RetryPolicy
from .clients.http import ApiError
from .scenario import CheckContext, CheckResult, Scenario, run_check
from .seeds import derive_random
from .reporting.snapshot import Snapshot, read_snapshot
from .reporting.stats import RunStats


@dataclass(frozen=True)
class RunOptions:
    """How to run a scenario (the command-line flags).

    Args:
        seed: overrides the scenario's seed.
        participants: rescales the participant populations to this many bots.
        url: run against this server instead of in-process.
        report_dir: where to write the report (``None``: no files).
        clock: ``"virtual"`` or ``"real"``; defaults to virtual in-process, real with a url.
        progress: draw live progress.
        shared_client: force one shared (True) or per-bot (False) httpx client.
        snapshot: read the final state (needed by most checks and the digest).
        otree_rest_key: the ``otree-rest-key`` header for oTree callers.
        web_port: serve the live page (served by :mod:`simlab.runs.live`) on this loopback port.
    """

    seed: int | None = None
    participants: int | None = None
    url: str | None = None
    report_dir: Path | None = None
    clock: str | None = None
    progress: bool = True
    shared_client: bool | None = None
    snapshot: bool = True
    otree_rest_key: str | None = None
    retry: RetryPolicy = RetryPolicy()
    #: Serve the live report page on this loopback port while the run goes (0: a free port; None: no page).
    web_port: int | None = None
    #: SIGINT/SIGTERM stop the bots and the run still reports (the command sets it; main thread only).
    handle_signals: bool = False

    @property
    def virtual(self) -> bool:
        """True when the run uses trio's virtual clock."""
        clock = self.clock or ("real" if self.url or self.web_port is not None else "virtual")
        if clock not in ("virtual", "real"):
            raise ValueError(f"clock must be 'virtual' or 'real', got {clock!r}")
        if clock == "virtual" and self.url:
            raise ValueError("clock 'virtual' needs an in-process run; a --url run waits on real sockets")
        return clock == "virtual"


def describe(scenario: Scenario, options: RunOptions, seed: int, source: ClientSource) -> dict[str, Any]:
    """Return the run configuration for the report."""
    return {
        "target": options.url or "in-process",
        "clock": "virtual" if options.virtual else "real",
        "client": "shared" if source.shared else "per-bot",
        "experiment": getattr(scenario.experiment, "__name__", repr(scenario.experiment)),
        "populations": [
            {
                "name": p.label,
                "bot": getattr(p.bot, "__name__", repr(p.bot)),
                "count": p.count,
                "rate": p.rate,
                "start": p.start,
                "wait_time": repr(p.wait_time) if p.wait_time is not None else repr(p.bot_class().wait_time),
                "options": dict(p.options),
            }
            for p in scenario.all_populations()
        ],
        "limits": vars(scenario.limits) if hasattr(scenario.limits, "__dict__") else repr(scenario.limits),
        "otree_sessions": [dict(spec) for spec in scenario.sessions],
        "thresholds": {
            "max_error_rate": scenario.thresholds.max_error_rate,
            "max_p99": dict(scenario.thresholds.max_p99),
            "max_failed_bots": scenario.thresholds.max_failed_bots,
        },
        "retry": {"attempts": options.retry.attempts, "base": options.retry.base, "cap": options.retry.cap},
    }


async def run_scenario_async(
    scenario: Scenario,
    target: Target,
    options: RunOptions,
    *,
    console: Console | None = None,
    alongside: Callable[[], Awaitable[None]] | None = None,
    live: LiveState | None = None,
    recruited: Sequence[Any] | None = None,
    interrupt: Interrupt | None = None,
    experiment_errors: Callable[[], list[dict[str, Any]]] | None = None,
) -> RunReport:
    """Run ``scenario`` against ``target`` inside the current trio run and return its report.

    ``alongside`` (e.g. an experiment's own recruited bots) starts after the launch,
    with the populations, and the checks wait for it to end too.  With
    ``options.web_port`` (or a ``live`` state given by the caller, who then serves
    it) the live page follows the run; ``recruited`` (an experiment's own bots'
    records) is shown there too.  (The page itself is served by ``simlab.runs``.)  An ``interrupt`` (Ctrl-C, SIGTERM) stops the bots and
    the alongside; the report then says so (``extra["interrupted"]``) and fails.
    ``experiment_errors()`` lists what the experiment's own code raised in the server
    (in process, the composition root can read it): the report and the launch's
    failure show it with the researcher's frames.
    """
    seed = scenario.seed if options.seed is None else options.seed
    if options.participants is not None:
        scenario = scenario.with_participants(options.participants)
    console = console or Console(stderr=True)
    events = Events()
    source = ClientSource(target, shared=options.shared_client)
    engine = Engine(
        scenario.all_populations(), source, seed=seed, events=events, limits=scenario.limits, retry=options.retry,
        otree_rest_key=options.otree_rest_key,
    )
    side_events = Events()  # launch, snapshot and checks: not part of the run's stats
    real0 = time.perf_counter()
    bots_scope, rest_scope = trio.CancelScope(), trio.CancelScope()
    if interrupt is not None:  # first signal: stop the bots; second: cut the final reading short too
        interrupt.on_first(engine.stop)
        interrupt.on_first(bots_scope.cancel)
        interrupt.on_second(rest_scope.cancel)
    stats = RunStats(origin=trio.current_time()).attach(events)
    t0, run_seconds = trio.current_time(), None  # type: float, float | None
    warnings: list[str] = []
    snapshot: Snapshot | None = None
    checks: list[CheckResult] = [CheckResult("final_state", False, "not read: the run was stopped before its end")]
    with rest_scope:
        async with source.open(), source.client() as http:
            side = DallingerClient(http, side_events, retry=options.retry, jitter=derive_random(seed, "side"))
            with bots_scope:
                if not target.is_in_process:
                    warning = earlier_state(await _participant_one(side))
                    if warning:
                        warnings.append(warning)
                        console.print(f"simlab scenario: warning: {warning}", highlight=False, soft_wrap=True, markup=False)
                if scenario.launch:
                    try:
                        await side.launch()
                    except ApiError as exc:  # e.g. create_network raised: say where, in the researcher's code
                        for error in experiment_errors() if experiment_errors else []:
                            exc.add_note("\n".join([error["error"], *error["traceback"]]))
                        raise
                stats.origin = t0 = trio.current_time()
                async with trio.open_nursery() as nursery:
                    if live is not None:
                        live.attach(events)
                        live.start(stats, engine)
                        nursery.start_soon(live.watch_networks, functools.partial(read_snapshot, side))
                    if options.progress:
                        progress = Progress(console, stats, engine, virtual=options.virtual)
                        await nursery.start(progress.run)
                    if alongside is not None:
                        alongside_done = trio.Event()

                        async def run_alongside() -> None:
                            try:
                                await alongside()
                            finally:
                                alongside_done.set()

                        nursery.start_soon(run_alongside)
                    await engine.run()
                    if alongside is not None:
                        await alongside_done.wait()
                    nursery.cancel_scope.cancel()
            run_seconds = trio.current_time() - t0
            unread: CheckResult | None = None
            try:
                snapshot = await read_snapshot(side) if options.snapshot else None
            except ApiError as exc:  # a server gone at the end still leaves a report of the run
                snapshot, unread = None, CheckResult("final_state", False, f"reading the final state failed: {exc}")
            ctx = CheckContext(
                dallinger=side,
                otree=OTreeClient(http, side_events, retry=options.retry, rest_key=options.otree_rest_key),
                snapshot=snapshot if snapshot is not None else Snapshot(),
                stats=stats,
                engine=engine.statistics(),
                decisions=engine.decisions,
                observations=engine.observations,
            )
            checks = [unread] if unread else [await run_check(fn, ctx) for fn in scenario.checks]
    if run_seconds is None:  # a second signal cut the run short before its end was measured
        run_seconds = trio.current_time() - t0
    thresholds = scenario.thresholds.evaluate(stats, judge_latency=not options.virtual)
    counts = engine.statistics()
    thresholds += nothing_done(stats, started=counts.started, finished=counts.finished, failed=counts.failed)
    report = RunReport(
        scenario=scenario.name,
        seed=seed,
        config=describe(scenario, options, seed, source),
        stats=stats,
        checks=checks,
        thresholds=thresholds,
        snapshot=snapshot,
        decisions=engine.decisions,
        observations=engine.observations,
        duration={"run": run_seconds, "real": time.perf_counter() - real0},
        description=scenario.description,
    )
    if warnings:
        report.extra["warnings"] = warnings
    if experiment_errors is not None:
        report.extra["experiment_errors"] = experiment_errors()
    if interrupt is not None and interrupt.signal is not None:
        mark_interrupted(report, interrupt)
    elif options.progress:
        console.print(summary_tables(stats, checks, thresholds))
    if live is not None:
        if snapshot is not None:
            live.set_snapshot(snapshot)
        live.finish(report.to_dict())
    return report


async def _participant_one(side: DallingerClient) -> Any:
    """Participant 1 of the server, or None when it has none (a fresh server)."""
    try:
        return await side.get_participant(1)
    except ApiError:
        return None


def mark_interrupted(report: RunReport, interrupt: Interrupt) -> None:
    """Say in the report that a signal stopped the run (a failed threshold, ``extra["interrupted"]``)."""
    report.extra["interrupted"] = interrupt.signal
    report.thresholds.append(CheckResult("not_interrupted", False, f"stopped by {interrupt.signal}: the report holds what happened until then"))


async def live_ended(live: LiveState, *, grace: float = 2.0) -> None:
    """Give the pages still open up to ``grace`` seconds to receive the run's end."""
    with trio.move_on_after(grace):
        while live.watchers:
            await live.changed()
