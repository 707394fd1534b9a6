"""``simlab scenario run FOLDER``: a Dallinger experiment run by its own ``Bot`` class.

Exit status: 0 when every bot finished and every check passed, 1 when a check
failed, 2 when the experiment could not be loaded or served, 130 when Ctrl-C or
SIGTERM stopped it (the bots and their browsers stopped, the report written).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from ..errors import ConfigError


def run_folder(args: argparse.Namespace, console: Console, verdict: object) -> int:
    """Run the experiment folder ``args.scenario`` with the bot recruiter and report."""
    from ..compat.dallinger.bots import WebDriverUnavailable
    from ..engine.reporting.progress import summary_tables
    from ..runs.experiment_bots import BotRunOptions, run_experiment_bots

    if args.browsers < 1 or args.http_bots < 1:
        console.print("simlab scenario: --browsers and --http-bots must be >= 1")
        return 2
    options = BotRunOptions(
        participants=args.participants,
        browsers=args.browsers,
        http_bots=args.http_bots,
        timeout=args.timeout,
        seed=args.seed or 0,
        mode=args.mode,
        url=args.url,
        progress_every=None if args.quiet else 2.0,
        web_port=args.web,
        handle_signals=True,
    )
    try:
        report = run_experiment_bots(Path(args.scenario), options)
    except (ConfigError, WebDriverUnavailable) as exc:
        console.print(f"simlab scenario: {exc}", markup=False, highlight=False, soft_wrap=True)
        for note in getattr(exc, "__notes__", ()):  # the experiment's own frames
            console.print(note, markup=False, highlight=False, soft_wrap=True)
        return 2
    if args.report is not None:
        report.write(args.report)
    if report.extra.get("interrupted"):
        from .scenario import interrupted

        interrupted(console, report, args.report)
        return 130
    if not args.quiet:
        console.print(summary_tables(report.stats, report.checks, report.thresholds))
    verdict(console, report, args.report)  # type: ignore[operator]
    return 0 if report.passed else 1
