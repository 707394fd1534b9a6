"""``simlab scenario run|list|new``: run a scenario script with bots and report.

``run`` takes a path or the name of an example shipped with the package
(``simlab scenario run quickstart``); ``list`` shows those examples; ``new NAME``
writes a commented starting scenario that runs and passes as written.

Exit status: 0 when every check and threshold passed, 1 when one failed, 2 when the
command line, the scenario file or the run itself was broken (``--url`` unreachable,
the server failing a request the run depends on, too few Dask workers within
``--wait-workers``; with ``--workers`` or ``--scheduler``: a shard failed), 130 when
Ctrl-C stopped the run.  Each such failure is one line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from rich.console import Console

from ..engine.clients.http import ApiError
from ..engine.loader import LoadError, load_scenario
from ..engine.reporting.report import RunReport, failure_lines
from ..engine.runner import RunOptions
from ..runs.inprocess import run_scenario
from ..engine.scenario import Scenario
from ..runs.experiment_bots import is_experiment_folder
from . import scenario_files
from .args import OneLineParser, shown, user_path
from .urls import check_url


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="simlab scenario", description="Run scenario scripts (experiment + bots + checks).", allow_abbrev=False
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="list the example scenarios shipped with simlab", allow_abbrev=False)
    new = sub.add_parser("new", help="write a commented starting scenario NAME.py", allow_abbrev=False)
    new.add_argument("name", help="scenario name (a Python identifier); writes NAME.py")
    new.add_argument("--dir", type=user_path, default=".", help="folder to write it in (default: the current one)")
    run = sub.add_parser("run", help="run one scenario and report", allow_abbrev=False)
    run.add_argument(
        "scenario",
        help="a scenario file, the name of a shipped example (see 'simlab scenario list'), "
        "or a Dallinger experiment folder whose own Bot class is run through a bot recruiter",
    )
    run.add_argument("--participants", "-n", type=int, help="rescale the participant populations to N bots")
    run.add_argument("--seed", "-s", type=int, help="run seed (default: the scenario's)")
    run.add_argument("--url", help="run against this server instead of in-process (e.g. http://127.0.0.1:5000)")
    run.add_argument("--report", type=user_path, metavar="DIR", help="write report.json and report.html into DIR")
    run.add_argument("--clock", choices=("virtual", "real"), help="in-process clock (default virtual; --url is always real)")
    run.add_argument("--client", choices=("shared", "per-bot"), help="httpx client sharing (default: shared in-process, per-bot with --url)")
    run.add_argument("--no-snapshot", action="store_true", help="skip reading the final state (no digest, no network pictures)")
    run.add_argument("--rest-key", help="otree-rest-key header for oTree callers")
    run.add_argument("--quiet", "-q", action="store_true", help="no live progress or summary tables")
    run.add_argument(
        "--web", nargs="?", const=0, type=int, metavar="PORT",
        help="serve a live report page on 127.0.0.1 (a free port, or PORT) while the run goes; its URL is printed at start "
        "(in-process runs then default to --clock real)",
    )
    own = run.add_argument_group("a Dallinger experiment folder's own bots")
    own.add_argument("--browsers", type=int, default=2, metavar="K", help="Selenium bots at once (default 2)")
    own.add_argument("--http-bots", type=int, default=64, metavar="K", help="HighPerformanceBotBase bots at once (default 64)")
    own.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="stop the bots after this long (default 600)")
    own.add_argument("--mode", choices=("debug", "sandbox", "live"), help="Dallinger mode (default debug, as dallinger debug)")
    dist = run.add_argument_group("distributed (pip install 'simlab[distributed]')")
    dist.add_argument("--workers", "-w", type=int, metavar="N", help="split the bots over N shards on a local Dask cluster of N processes")
    dist.add_argument("--scheduler", metavar="ADDRESS", help="run the shards on this Dask scheduler (with --workers N: N shards)")
    dist.add_argument(
        "--wait-workers", type=float, default=60.0, metavar="SECONDS",
        help="with --scheduler: how long to wait for the cluster to reach --workers threads (default 60)",
    )
    return parser


def main(argv: list[str]) -> int:
    """Parse ``argv`` (without ``scenario``), run, and return the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on errors
        return int(exc.code or 0)
    console = make_console()
    if args.action == "list":
        return _list()
    if args.action == "new":
        return _new(args, console)
    if args.web is not None:
        from ..runs.live.server import port_problem

        problem = port_problem(args.web)
        if problem:
            fail(console, f"simlab scenario: {problem}")
            return 2
    if is_experiment_folder(Path(args.scenario)):
        from .scenario_bots import run_folder

        unreachable = check_url(args.url) if args.url is not None else None
        if unreachable:
            fail(console, f"simlab scenario: {unreachable}")
            return 2
        return run_folder(args, console, _verdict)
    path = scenario_files.resolve(args.scenario)
    if path is None:
        names = ", ".join(scenario_files.examples()) or "none"
        console.print(f"simlab scenario: no scenario file {args.scenario!r} and no shipped example of that name (examples: {names})")
        return 2
    args.scenario = str(path)
    if args.participants is not None and args.participants < 0:
        fail(console, f"simlab scenario: --participants must be >= 0, got {args.participants}")
        return 2
    try:
        scenario = load_scenario(args.scenario)
    except (LoadError, ImportError, SyntaxError) as exc:
        fail(console, f"simlab scenario: cannot load {args.scenario}: {exc}")
        return 2
    except Exception as exc:  # the scenario file itself raised while importing
        fail(console, f"simlab scenario: cannot load {args.scenario}: {type(exc).__name__}: {exc}")
        return 2
    options = RunOptions(
        seed=args.seed,
        participants=args.participants,
        url=args.url,
        report_dir=args.report,
        clock=args.clock,
        progress=not args.quiet,
        shared_client=None if args.client is None else args.client == "shared",
        snapshot=not args.no_snapshot,
        otree_rest_key=args.rest_key,
        web_port=args.web,
        handle_signals=True,
    )
    if args.url is not None:
        unreachable = check_url(args.url)
        if unreachable:
            fail(console, f"simlab scenario: {unreachable}")
            return 2
    try:
        if args.workers is not None or args.scheduler is not None:
            return _run_distributed(args, scenario, options, console)
        try:
            _ = options.virtual
        except ValueError as exc:
            fail(console, f"simlab scenario: {exc}")
            return 2
        if scenario.own_bots:
            from ..runs.experiment_bots import BotRunOptions, run_scenario_with_own_bots

            bots = BotRunOptions(browsers=args.browsers, http_bots=args.http_bots, timeout=args.timeout, mode=args.mode)
            report = run_scenario_with_own_bots(
                scenario, Path(args.scenario).resolve().parent, options, bots, console=console
            )
        else:
            report = run_scenario(scenario, options, console=console, scenario_dir=Path(args.scenario).resolve().parent)
    except ApiError as exc:
        fail(console, f"simlab scenario: the run stopped: {exc}")
        for note in getattr(exc, "__notes__", ()):  # what the experiment's own code raised, at its own lines
            fail(console, note)
        return 2
    except KeyboardInterrupt:  # before the run's own handling was in place: nothing ran yet
        console.print("simlab scenario: interrupted before the run started", highlight=False)
        return 130
    if report.extra.get("interrupted"):
        interrupted(console, report, args.report)
        return 130
    _verdict(console, report, args.report)
    return 0 if report.passed else 1


def interrupted(console: Console, report: RunReport, report_dir: Path | None) -> None:
    """The one line of a run a signal stopped: what it did until then, and where the report is."""
    bots = report.stats.bots()
    where = f"; report: {shown(report_dir / 'report.html')}" if report_dir is not None else ""
    fail(
        console,
        f"simlab scenario: {report.scenario}: stopped by {report.extra['interrupted']} after {report.duration.get('run', 0):.1f} s: "
        f"{bots.finished} bots finished, {bots.failed} failed, {bots.stopped} stopped, {report.stats.total.count} requests{where}",
    )


def make_console() -> Console:
    """A console on stderr: rich on a terminal; plain, unwrapped lines otherwise (logs, pipes, CI)."""
    if sys.stderr.isatty():
        return Console(stderr=True)
    return Console(stderr=True, width=240, soft_wrap=True, no_color=True, highlight=False)


def _verdict(console: Console, report: RunReport, report_dir: Path | None, extra: str = "") -> None:
    """Print why a run failed (also with --quiet), then the one-line verdict."""
    for line in failure_lines(report.to_dict()):
        style = "red" if line.startswith(("check", "threshold")) else "yellow"
        console.print(f"[{style}]{line}[/]", highlight=False, markup=True) if console.is_terminal else console.print(line, markup=False)
    verdict = "[green]PASSED[/]" if report.passed else "[red]FAILED[/]"
    data_digest = report.snapshot.digest() if report.snapshot else "not read"
    console.print(f"{report.scenario}: {verdict} · seed {report.seed}{extra} · final state {data_digest}", highlight=False)
    if report_dir is not None:
        console.print(f"report: {shown(report_dir / 'report.html')}", highlight=False)


def _list() -> int:
    examples = scenario_files.examples()
    width = max((len(n) for n in examples), default=0)
    for name, path in examples.items():
        print(f"{name:<{width}}  {scenario_files.summary(path)}")
    print(f"\nrun one with: simlab scenario run NAME   (files in {next(iter(examples.values())).parent if examples else '-'})")
    return 0


def _new(args: argparse.Namespace, console: Console) -> int:
    try:
        path = scenario_files.new_scenario(args.name, args.dir)
    except (ValueError, FileExistsError) as exc:
        console.print(f"simlab scenario: {exc}", markup=False)
        return 2
    print(f"wrote {shown(path)}\nrun it with: simlab scenario run {shown(path)}")
    return 0


def _run_distributed(args: argparse.Namespace, scenario: Scenario, options: RunOptions, console: Console) -> int:
    """Run the scenario's shards on Dask (``--workers`` / ``--scheduler``) and return the exit status."""
    if args.workers is not None and args.workers < 1:
        fail(console, f"simlab scenario: --workers must be >= 1, got {args.workers}")
        return 2
    from ..runs.distributed import DistributedOptions, DistributedUnavailable, WorkersMissing, run_distributed

    if args.wait_workers <= 0:
        fail(console, f"simlab scenario: --wait-workers must be > 0, got {args.wait_workers:g}")
        return 2
    dist = DistributedOptions(workers=args.workers, scheduler=args.scheduler, ready_timeout=args.wait_workers)
    if args.scheduler and args.workers and not args.quiet:
        console.print(f"simlab: waiting up to {args.wait_workers:g} s for {args.workers} worker threads at {args.scheduler}", highlight=False)
    try:
        outcome = run_distributed(scenario, Path(args.scenario), options, dist, console=console)
    except (DistributedUnavailable, WorkersMissing) as exc:
        fail(console, f"simlab scenario: {exc}")
        return 2
    except ValueError as exc:
        fail(console, f"simlab scenario: {exc}")
        return 2
    report = outcome.report
    if outcome.interrupted:
        interrupted(console, report, args.report)
        return 130
    for fault in outcome.faults:
        console.print(f"simlab scenario: {fault}", highlight=False, markup=False)
    _verdict(console, report, args.report, f" · {len(report.extra['shards'])} shards")
    if outcome.faults:
        return 2
    return 0 if report.passed else 1


def fail(console: Console, line: str) -> None:
    """Print an error as one line: no wrapping at the terminal width, no markup."""
    console.print(line, soft_wrap=True, highlight=False, markup=False)
