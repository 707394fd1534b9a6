"""``simlab scenario run FOLDER``: a Dallinger experiment driven by its own ``Bot`` class.

What ``dallinger debug --bot`` does with PostgreSQL, Redis, rq workers and a
Heroku-style process set, in one process: serve the experiment on a loopback
port with the bot recruiter, start one bot of the experiment's class for every
recruitment it asks for (``recruit(n)``, ``initial_recruitment_size``), until it
stops recruiting; then report the requests the server answered, the bots, and
checks: every bot finished, and the experiment's own ``data_check`` and
``bonus`` hold for every bot participant (Dallinger approves bots without running
them; simlab runs them so a broken hook fails the run).
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from urllib.parse import urlsplit
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import outcome
import trio

from ..asgi import ASGIApp, Message, Receive, Scope, Send
from ..config import Settings
from ..domain.context import serving as serving_experiment
from ..engine.clients.dallinger import DallingerClient
from ..engine.events import Events, RequestEvent
from ..engine.interrupt import Interrupt
from ..engine.recruited import RecruitedRun, run_recruited_bots
from ..engine.reporting.report import RunReport
from ..engine.runner import mark_interrupted
from ..engine.sanity import nothing_done
from ..engine.scenario import CheckResult
from ..engine.reporting.snapshot import read_snapshot
from ..engine.reporting.stats import RunStats
from ..errors import ConfigError
from ..server import Server, build_server, free_port, serve
from ..sources import ExperimentSource, load_source
from ..compat.dallinger import browsers
from .inprocess import experiment_errors
from .live.serving import with_live_page

_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


@dataclass(frozen=True)
class BotRunOptions:
    participants: int | None = None
    browsers: int = 2
    http_bots: int = 64
    timeout: float = 600.0
    seed: int = 0
    mode: str | None = None
    #: A running (and launched) Dallinger server to drive instead of serving the experiment here.
    url: str | None = None
    #: Print a progress line this often (seconds); None for no progress.
    progress_every: float | None = None
    #: Serve the live report page on this loopback port (0: a free one; None: no page).
    web_port: int | None = None
    #: SIGINT/SIGTERM stop the bots (browsers reaped) and the run still reports (main thread only).
    handle_signals: bool = False


def is_experiment_folder(path: Path) -> bool:
    """Whether ``path`` names a Dallinger experiment (a folder with experiment.py, or that file)."""
    path = Path(path)
    if path.is_dir():
        return (path / "experiment.py").is_file()
    return path.name == "experiment.py"


def bot_class(file: ExperimentSource) -> type:
    """The experiment's ``Bot`` (Dallinger's bot recruiter imports ``Bot`` from experiment.py)."""
    bot = getattr(file.module, "Bot", None)
    if not isinstance(bot, type):
        raise ConfigError(f"{file.path}: defines no Bot class for the bot recruiter to run")
    return bot


def recorded(app: ASGIApp, events: Events) -> ASGIApp:
    """The app, firing a ``RequestEvent`` for every HTTP request it answers (ids templated out)."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = trio.current_time()
        t0 = time.perf_counter()
        status: list[int] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            code = status[0] if status else None
            name = f"{scope['method']} {_ID_SEGMENT.sub('/<id>', scope['path'])}"
            error = None if code is not None and code < 500 else f"HTTP {code}"
            events.request.fire(RequestEvent(name, scope["method"], code, time.perf_counter() - t0, error, started))

    return asgi


def run_experiment_bots(folder: Path, options: BotRunOptions) -> RunReport:
    """Serve ``folder`` with the bot recruiter (or drive ``options.url``), run its bots, return the report."""
    file = load_source(folder, mode=options.mode)
    make = bot_class(file)
    from ..compat.dallinger.bots import CHROME_TYPES, HighPerformanceBotBase, WebDriverUnavailable

    is_http = issubclass(make, HighPerformanceBotBase)
    overrides: dict[str, Any] = {"recruiter": "bots"}
    if options.participants is not None:
        overrides["num_participants"] = options.participants
    config = file.make_config(overrides)
    webdriver_type = str(config.get("webdriver_type") or "chrome_headless")
    if not is_http and webdriver_type.lower() not in CHROME_TYPES:
        raise WebDriverUnavailable(
            f"{file.path.parent / 'config.txt' if file.path else 'config.txt'}: webdriver_type = {webdriver_type}: simlab drives Selenium bots "
            "in headless Chromium only (chrome_headless or chrome)"
        )
    if options.url:
        parts = urlsplit(options.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        settings = Settings(seed=options.seed).with_values(host=parts.hostname or "127.0.0.1", port=port)
    else:
        settings = Settings(seed=options.seed).with_values(host="127.0.0.1", port=free_port())
    server = build_server(file, settings, config=overrides)
    server.enter_working_dir()  # Dallinger runs an experiment (and its bots) from its folder
    with sole_error():
        return trio.run(_run, server, file, make, is_http, options)


@contextmanager
def sole_error() -> Iterator[None]:
    """Re-raise the one error a trio nursery wrapped in an ExceptionGroup (a failed launch, a bad config) as itself."""
    try:
        yield
    except BaseExceptionGroup as group:
        leaves = list(_leaves(group))
        if len(leaves) == 1 and isinstance(leaves[0], Exception):
            raise leaves[0] from None
        raise


def _leaves(group: BaseExceptionGroup) -> Iterator[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


def launch_failed(file: ExperimentSource, app: Any, launch: httpx.Response) -> ConfigError:
    """The launch's failure in one line, then what the experiment's own code raised, at its own lines."""
    try:
        message = launch.json().get("message") or launch.text[:300]
    except ValueError:
        message = launch.text[:300]
    error = ConfigError(f"{file.path}: POST /launch answered {launch.status_code}: {message}")
    for raised in experiment_errors(app):
        error.add_note("\n".join([raised["error"], *raised["traceback"]]))
    return error


async def _run(server: Server, file: ExperimentSource, make: type, is_http: bool, options: BotRunOptions) -> RunReport:
    # bots' threads inherit this context, so their get_config() reads the served experiment's
    with serving_experiment(server.experiment):
        try:
            if not options.handle_signals:
                return await _run_served(server, file, make, is_http, options, None)
            interrupt = Interrupt()
            async with trio.open_nursery() as nursery:
                await nursery.start(interrupt.watch)
                result = await outcome.acapture(_run_served, server, file, make, is_http, options, interrupt)
                nursery.cancel_scope.cancel()
            return result.unwrap()
        finally:
            browsers.reap()  # no chromedriver or Chromium outlives the run


async def _run_served(
    server: Server, file: ExperimentSource, make: type, is_http: bool, options: BotRunOptions, interrupt: Interrupt | None
) -> RunReport:
    settings = server.settings
    exp: Any = server.experiment  # a Dallinger experiment (its recruiter is the bot recruiter)
    events = Events()
    stats = RunStats(origin=trio.current_time()).attach(events)
    send, recruits = trio.open_memory_channel[str](math.inf)
    exp.recruiter.dispatch = send.send_nowait
    base_url = options.url.rstrip("/") if options.url else settings.base_url
    exp.recruiter.base_url = base_url  # the ad URLs bots open
    limiter = trio.CapacityLimiter(options.http_bots if is_http else options.browsers)
    t0 = time.perf_counter()

    def make_bot(url: str, assignment_id: str, worker_id: str, hit_id: str) -> Any:
        return make(url, assignment_id=assignment_id, worker_id=worker_id, hit_id=hit_id)

    run = RecruitedRun()
    live = None
    async with trio.open_nursery() as nursery:
        if options.progress_every:
            nursery.start_soon(_progress, stats, events, options.progress_every)
        if options.url is None:
            await nursery.start(partial(serve, server, asgi=recorded(server.app, events)))
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            side = DallingerClient(http, Events())
            if options.web_port is not None:
                live = await _start_live(nursery, f"{file.experiment_class.__name__} bots", stats, events, run, side, options.web_port)
            if options.url is None:
                launch = await http.post("/launch")
                if launch.status_code != 200:
                    raise launch_failed(file, server.app, launch)
                recruiting = lambda: exp.recruiter.open  # noqa: E731
            else:
                # A remote server's recruiter is not ours to hear: open the first recruitments here.
                count = options.participants or exp.initial_recruitment_size
                exp.recruiter.recruit(n=count)
                recruiting = lambda: False  # noqa: E731
            with trio.CancelScope() as bots_scope:
                if interrupt is not None:
                    interrupt.on_first(bots_scope.cancel)
                    interrupt.on_first(browsers.reap)  # an abandoned bot thread's browser goes with it
                await run_recruited_bots(
                    recruits, make_bot, recruiting=recruiting, events=events, limiter=limiter, timeout=options.timeout, run=run,
                    infrastructure=browsers.infrastructure,
                )
            if interrupt is not None and interrupt.signal is not None:
                stopped_by(run, interrupt.signal)
            snapshot = await read_snapshot(side)
            if options.url is None:
                checks = _checks(exp, run)
            else:
                checks = await _remote_checks(http, run)
            report = _folder_report(file, make, is_http, options, stats, checks, snapshot, run, t0)
            if options.url is None:
                report.extra["experiment_errors"] = experiment_errors(server.app)
            if interrupt is not None and interrupt.signal is not None:
                mark_interrupted(report, interrupt)
            if live is not None:
                from ..engine.runner import live_ended

                live.set_snapshot(snapshot)
                live.finish(report.to_dict())
                await live_ended(live)
        nursery.cancel_scope.cancel()
    return report


def stopped_by(run: RecruitedRun, signal_name: str) -> None:
    """The bots still running when a signal came: stopped, and said so."""
    for bot in run.bots:
        if bot.outcome is None:
            bot.outcome, bot.error = "stopped", f"stopped by {signal_name}"


async def _start_live(
    nursery: trio.Nursery, name: str, stats: RunStats, events: Events, run: RecruitedRun, side: DallingerClient, port: int
) -> Any:
    """Serve the live page of a folder run (its URL printed first); return its state."""
    from ..engine.reporting.live import LiveState
    from .live.server import serve_live

    live = LiveState(name, recruited=run.bots).attach(events)
    url = await nursery.start(partial(serve_live, live, port=port))
    print(f"live page: {url}", file=sys.stderr, flush=True)
    live.start(stats)
    nursery.start_soon(live.watch_networks, partial(read_snapshot, side))
    return live


def _folder_report(
    file: ExperimentSource, make: type, is_http: bool, options: BotRunOptions, stats: RunStats,
    checks: list[CheckResult], snapshot: Any, run: RecruitedRun, t0: float,
) -> RunReport:
    return RunReport(
        scenario=f"{file.experiment_class.__name__} bots",
        seed=options.seed,
        config={
            "experiment": str(file.path),
            "server": options.url or "in process",
            "bot": f"{make.__module__}.{make.__name__}",
            "kind": "http" if is_http else "selenium",
            "concurrency": options.http_bots if is_http else options.browsers,
            "participants": options.participants,
            "timeout": options.timeout,
        },
        stats=stats,
        checks=checks,
        thresholds=nothing_done(
            stats, started=len(run.bots), finished=sum(b.outcome == "finished" for b in run.bots),
            failed=sum(b.outcome == "failed" for b in run.bots),
        ),
        snapshot=snapshot,
        decisions={},
        duration={"run": time.perf_counter() - t0, "real": time.perf_counter() - t0},
        description=f"{len(run.bots)} bots of {make.__name__} recruited by {file.experiment_class.__name__}",
        extra={
            "recruited_bots": [vars(b) for b in run.bots],
            "timed_out": run.timed_out,
            "recruitment_open_at_end": run.recruitment_open,
        },
    )


async def _progress(stats: RunStats, events: Events, every: float) -> None:
    """One line every ``every`` seconds: bots running and done, requests answered."""
    counts = {"started": 0, "finished": 0, "failed": 0}

    def started(event: Any) -> None:
        counts["started"] += 1

    def stopped(event: Any) -> None:
        counts["finished" if event.outcome == "finished" else "failed"] += 1

    events.bot_started.add_listener(started)
    events.bot_stopped.add_listener(stopped)
    t0 = trio.current_time()
    while True:
        await trio.sleep(every)
        running = counts["started"] - counts["finished"] - counts["failed"]
        total = stats.summary()["total"]
        print(
            f"{trio.current_time() - t0:6.0f} s  bots: {running} running, {counts['finished']} finished, "
            f"{counts['failed']} failed  ·  {total['count']} requests, {total['errors']} errors",
            flush=True,
        )


async def _remote_checks(http: httpx.AsyncClient, run: RecruitedRun) -> list[CheckResult]:
    """What an outside process can check: the bots finished and their participants were approved."""
    results = _bot_checks(run)
    unapproved = []
    for bot in _study_bots(run):
        if bot.participant_id is None:
            unapproved.append(f"{bot.assignment_id}: never signed up")
            continue
        resp = await http.get(f"/participant/{bot.participant_id}")
        status = resp.json().get("participant", {}).get("status") if resp.status_code == 200 else f"HTTP {resp.status_code}"
        if status != "approved":
            unapproved.append(f"participant {bot.participant_id}: {status}")
    results.append(CheckResult("every bot participant approved", not unapproved, "; ".join(unapproved[:5])))
    return results


def _study_bots(run: RecruitedRun) -> list[Any]:
    """The bots the study's checks judge: not those the machine failed twice (counted on their own line)."""
    return [b for b in run.bots if b.outcome != "infrastructure"]


def _bot_checks(run: RecruitedRun) -> list[CheckResult]:
    """The bots finished; the machine's failures (a driver or browser that died) on their own line."""
    failed = [b for b in run.failed if b.outcome != "infrastructure"]
    machine = [b for b in run.bots if b.outcome == "infrastructure"]
    restarted = [b for b in run.bots if b.infrastructure_error and b.outcome != "infrastructure"]
    results = [
        CheckResult("bots were recruited", bool(run.bots), f"{len(run.bots)} recruited"),
        CheckResult(
            "every recruited bot finished",
            not failed,
            "; ".join(f"bot {b.index}: {b.outcome}: {b.error}" for b in failed[:5]) or f"{len(run.bots) - len(machine)} finished",
        ),
    ]
    if machine or restarted:
        results.append(
            CheckResult(
                "the machine held (browsers, drivers, ports)",
                not machine,
                f"{len(restarted)} bots started once more after the machine failed them, {len(machine)} failed by it twice"
                + "".join(f"; bot {b.index}: {b.error}" for b in (machine or restarted)[:3]),
            )
        )
    return results


def _checks(exp: Any, run: RecruitedRun) -> list[CheckResult]:
    """Every recruited bot finished and ended approved; the experiment's data_check and bonus hold for each."""
    results = _bot_checks(run)
    unapproved, bad_data, bonus_errors = [], [], []
    with serving_experiment(exp):
        for bot in _study_bots(run):
            rows = exp.store.participants_by_assignment(bot.assignment_id)
            if not rows:
                unapproved.append(f"{bot.assignment_id}: never signed up")
                continue
            participant = rows[-1]
            if participant.status != "approved":
                unapproved.append(f"participant {participant.id}: {participant.status}")
            try:
                if not exp.data_check(participant=participant):
                    bad_data.append(f"participant {participant.id}")
            except Exception as exc:
                bad_data.append(f"participant {participant.id}: {type(exc).__name__}: {exc}")
            try:
                exp.bonus(participant=participant)
            except Exception as exc:
                bonus_errors.append(f"participant {participant.id}: {type(exc).__name__}: {exc}")
    results.append(CheckResult("every bot participant approved", not unapproved, "; ".join(unapproved[:5])))
    results.append(CheckResult("the experiment's data_check holds", not bad_data, "; ".join(bad_data[:5])))
    results.append(CheckResult("the experiment's bonus runs", not bonus_errors, "; ".join(bonus_errors[:5])))
    return results


def run_scenario_with_own_bots(
    scenario: Any, scenario_dir: Path, options: Any, bot_options: BotRunOptions, *, console: Any = None
) -> RunReport:
    """A scenario whose experiment is a Dallinger folder with ``own_bots``: its populations and the
    experiment's own recruited bots, against one server on a loopback port; the scenario's checks
    run once both are done, then the bot checks are added."""
    from dataclasses import replace

    from ..engine.clients.connect import Target
    from .inprocess import server_settings

    path = Path(scenario.experiment)
    file = load_source(path if path.is_absolute() else scenario_dir / path, mode=bot_options.mode)
    make = bot_class(file)
    from ..compat.dallinger.bots import HighPerformanceBotBase

    is_http = issubclass(make, HighPerformanceBotBase)
    seed = scenario.seed if options.seed is None else options.seed
    settings = server_settings(scenario, seed).with_values(host="127.0.0.1", port=free_port())
    server = build_server(file, settings, config={**(scenario.config or {}), "recruiter": "bots"})
    server.enter_working_dir()
    app = server.app
    options = replace(options, url=settings.base_url, clock="real")

    async def main() -> RunReport:
        exp: Any = server.experiment
        with serving_experiment(exp):
            send, recruits = trio.open_memory_channel[str](math.inf)
            exp.recruiter.dispatch = send.send_nowait
            limiter = trio.CapacityLimiter(bot_options.http_bots if is_http else bot_options.browsers)
            runs: list[RecruitedRun] = [RecruitedRun()]

            async def own_bots() -> None:
                await run_recruited_bots(
                    recruits,
                    lambda url, a, w, h: make(url, assignment_id=a, worker_id=w, hit_id=h),
                    recruiting=lambda: exp.recruiter.open,
                    events=Events(),
                    limiter=limiter,
                    timeout=bot_options.timeout,
                    run=runs[0],
                    infrastructure=browsers.infrastructure,
                )

            async with trio.open_nursery() as nursery:
                await nursery.start(serve, server)
                interrupt = None
                if options.handle_signals:
                    interrupt = Interrupt()
                    interrupt.on_first(browsers.reap)
                    await nursery.start(interrupt.watch)
                try:
                    report = await with_live_page(
                        options, scenario.name, runs[0].bots, console,
                        partial(run_scenario_async, scenario, Target.remote(settings.base_url), options, console=console,
                                alongside=own_bots, recruited=runs[0].bots, interrupt=interrupt),
                    )
                finally:
                    browsers.reap()
                if interrupt is not None and interrupt.signal is not None:
                    stopped_by(runs[0], interrupt.signal)
                nursery.cancel_scope.cancel()
            report.checks.extend(_checks(exp, runs[0]))
            report.extra["recruited_bots"] = [vars(b) for b in runs[0].bots]
            report.extra["experiment_errors"] = experiment_errors(app)
            return report

    from ..engine.runner import run_scenario_async

    with sole_error():
        report: RunReport = trio.run(main)
    if options.report_dir is not None:
        report.write(options.report_dir)
    return report
