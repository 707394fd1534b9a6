"""A run that did nothing it was meant to do fails, whatever its own checks say.

An experiment without networks answers every ``POST /node`` with 403, which
Dallinger's participants read as "the experiment is full" and finish politely; a
run where every bot fails on its first step may be inside a lenient threshold.
Neither is a rehearsal that passed.  These results are added (failing) only when
they fail, so a healthy run's report is unchanged.
"""

from __future__ import annotations

from typing import Any

from .scenario import CheckResult
from .reporting.stats import RunStats

NODE_ROUTE = "POST /node/<id>"


def nothing_done(stats: RunStats, *, started: int, finished: int, failed: int) -> list[CheckResult]:
    """The failing results of a run that did nothing: no participant got a node, or every bot failed."""
    results = []
    nodes = stats.routes.get(NODE_ROUTE)
    if nodes is not None and nodes.count and not any(status.startswith("2") for status in nodes.statuses):
        statuses = ", ".join(f"{n}x {s}" for s, n in sorted(nodes.statuses.items()))
        results.append(
            CheckResult(
                "participants_got_nodes", False,
                f"no participant got a node: every {NODE_ROUTE} ({nodes.count}) answered {statuses} "
                "(does create_network make a network with room, and was the experiment launched?)",
            )
        )
    if started and not finished and failed == started:
        first = next(iter(stats.bot_errors.most_common(1)), ("", 0))[0]
        results.append(CheckResult("some_bot_finished", False, f"every bot failed ({failed} of {started}): {first}".rstrip(": ")))
    return results


def earlier_state(participant_one: Any) -> str | None:
    """The warning for a ``--url`` server that already has a participant (a run before this one), or None."""
    if participant_one is None:
        return None
    return (
        "the server at --url already holds participants from an earlier run (participant 1 exists): "
        "its checks and final state include them; restart it (or serve it --in-memory) for a clean run"
    )
