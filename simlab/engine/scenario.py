"""Scenario definitions: what a ``scenarios/*.py`` file declares.

A scenario names the experiment, the bot populations and external callers, run
limits, thresholds on the request stats, and checks on the final state read back
through the API.  ``simlab scenario run`` passes only if every check and threshold
does.

Example (``scenarios/quickstart.py``)::

    scenario = Scenario(
        name="quickstart",
        experiment=ChainExperiment,
        populations=[Population(participant, count=20, rate=10)],
        thresholds=Thresholds(max_error_rate=0.0, max_p99={"*": 1.0}),
        checks=[every_participant_approved],
    )
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Union

from .population import Limits, Population

if TYPE_CHECKING:
    from .clients.dallinger import DallingerClient
    from .engine import EngineStatistics
    from .clients.otree import OTreeClient
    from .reporting.snapshot import Snapshot
    from .reporting.stats import RunStats


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check or threshold."""

    name: str
    passed: bool
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return the result as a JSON-ready dict."""
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class CheckContext:
    """What a check may look at: the final state and clients to read more of it.

    Attributes:
        dallinger: a client on the server (its requests are not in the run's stats).
        otree: an oTree REST client on the server.
        snapshot: the final Dallinger state, already read (networks, nodes, participants).
        stats: the run's request stats.
        engine: the engine's bot counts.
        decisions: each bot's seeded decisions, by bot id.
        observations: what each bot observed (server answers, poll waits), by bot id.
    """

    dallinger: DallingerClient
    otree: OTreeClient
    snapshot: Snapshot
    stats: RunStats
    engine: EngineStatistics
    decisions: Mapping[int, list[tuple[str, object]]]
    observations: Mapping[int, list[tuple[str, object]]] = field(default_factory=dict)


#: A check returns a CheckResult, a bool, or ``(passed, message)``; sync or async.
CheckOutcome = Union[CheckResult, bool, tuple[bool, str]]
CheckFn = Callable[[CheckContext], Union[CheckOutcome, Awaitable[CheckOutcome]]]


async def run_check(fn: CheckFn, ctx: CheckContext) -> CheckResult:
    """Run one check and normalise what it returns; an exception is a failed check."""
    name = getattr(fn, "__name__", repr(fn))
    try:
        outcome = fn(ctx)
        if inspect.isawaitable(outcome):
            outcome = await outcome
    except Exception as exc:  # a broken check must fail the run, not crash the report
        return CheckResult(name, False, f"check raised {type(exc).__name__}: {exc}")
    if isinstance(outcome, CheckResult):
        return outcome
    if isinstance(outcome, tuple):
        return CheckResult(name, bool(outcome[0]), str(outcome[1]))
    if isinstance(outcome, bool):
        return CheckResult(name, outcome, "")
    return CheckResult(name, False, f"check returned {outcome!r}; expected bool, (bool, str) or CheckResult")


@dataclass(frozen=True)
class Thresholds:
    """Limits on the run's request stats.

    Args:
        max_error_rate: the largest share of requests that may be errors (0.0 = none).
        max_p99: seconds per route name; the key ``"*"`` applies to every other route.
        max_failed_bots: the most bots that may fail (``None`` = no limit).
    """

    max_error_rate: float | None = 0.0
    max_p99: Mapping[str, float] = field(default_factory=dict)
    max_failed_bots: int | None = 0

    def evaluate(self, stats: RunStats, *, judge_latency: bool = True) -> list[CheckResult]:
        """Return one result per threshold that applies.

        ``judge_latency=False`` (an in-process run on the virtual clock) reports each p99
        without judging it: there the bots and the server share one thread, so a request's
        real-time latency is mostly the other bots' turns and the machine's load, not the
        server's answer.  ``--clock real`` or ``--url`` judge it.
        """
        results = []
        total = stats.total
        if self.max_error_rate is not None:
            rate = total.errors / total.count if total.count else 0.0
            results.append(
                CheckResult(
                    "max_error_rate",
                    rate <= self.max_error_rate,
                    f"error rate {rate:.4f} ({total.errors}/{total.count}), limit {self.max_error_rate}",
                )
            )
        for route_name, limit in sorted(self.max_p99.items()):
            # "*" covers the routes without a limit of their own
            names = sorted(set(stats.routes) - set(self.max_p99)) if route_name == "*" else [route_name]
            for name in names:
                route = stats.routes.get(name)
                p99 = route.latency.percentile(99) if route else None
                ok = p99 is None or p99 <= limit
                shown = "no requests" if p99 is None else f"{p99 * 1000:.1f} ms"
                detail = f"p99 {shown}, limit {limit * 1000:.1f} ms"
                if not judge_latency:
                    ok, detail = True, f"{detail}: not judged on the virtual clock (run with --clock real or --url)"
                results.append(CheckResult(f"max_p99[{name}]", ok, detail))
        if self.max_failed_bots is not None:
            failed = stats.bot_outcomes["failed"]
            results.append(
                CheckResult("max_failed_bots", failed <= self.max_failed_bots, f"{failed} failed bots, limit {self.max_failed_bots}")
            )
        return results


@dataclass(frozen=True)
class Scenario:
    """A runnable study rehearsal.

    Args:
        name: shown in reports.
        experiment: a Dallinger-style experiment class or instance, a path to an
            experiment file, or ``None`` for a ``--url`` run against a live server.
        populations: participant bots; ``--participants N`` rescales their counts.
        callers: external callers (webhooks, experimenters); never rescaled.
        limits: stop conditions.
        thresholds: limits on error rate, p99 latencies and failed bots.
        checks: functions of a :class:`CheckContext` run on the final state.
        seed: the default seed (``--seed`` overrides it).
        settings: in-process server settings (a ``simlab.Settings`` or a mapping of its fields).
        config: Dallinger config values for the experiment (as in ``config.txt``).
        launch: ``POST /launch`` before the bots start.
        description: one paragraph for the report.
        study: oTree study settings for the in-process server: a mapping of the names an
            oTree ``settings.py`` defines (``SESSION_CONFIGS``, ``ROOMS``, ...; label files
            relative to the scenario's folder) or the path of a Python file defining them.
            ``None`` reads them from the experiment file when ``experiment`` is a path.
        sessions: oTree sessions the in-process server creates before the run, as oTree
            does for bot sessions (``mock_exogenous_data`` runs for them): mappings with
            ``config`` and optional ``num_participants``, ``room``, ``label``.
        resize: ``resize(n) -> Scenario`` builds the scenario for ``n`` participants
            (``--participants n``), so the experiment's sizes, the callers' options and
            the checks follow the population; without it only the counts are rescaled.
        own_bots: when ``experiment`` is a Dallinger experiment folder, also run its own
            ``Bot`` class through the bot recruiter (one bot per recruitment, as
            ``simlab scenario run FOLDER`` does), beside the populations; the server then
            listens on a loopback port and the run uses a real clock.
    """

    name: str
    populations: Sequence[Population]
    experiment: Any = None
    callers: Sequence[Population] = ()
    limits: Limits = field(default_factory=Limits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    checks: Sequence[CheckFn] = ()
    seed: int = 0
    settings: Any = None
    config: Mapping[str, Any] | None = None
    launch: bool = True
    description: str = ""
    study: Any = None
    sessions: Sequence[Mapping[str, Any]] = ()
    resize: Callable[[int], Scenario] | None = None
    own_bots: bool = False

    @property
    def participants(self) -> int:
        """How many participant bots the populations hold."""
        return sum(p.count for p in self.populations)

    def with_participants(self, n: int) -> Scenario:
        """Return the scenario for ``n`` participant bots.

        With ``resize``, the scenario builds itself for ``n``; otherwise a copy whose
        populations hold ``n`` bots in total, in their proportions.
        """
        if n < 0:
            raise ValueError(f"participants must be >= 0, got {n}")
        if self.resize is not None:
            made = self.resize(n)
            if not isinstance(made, Scenario) or made.participants != n:
                got = made.participants if isinstance(made, Scenario) else repr(made)
                raise ValueError(f"scenario {self.name!r}: resize({n}) must return a Scenario of {n} participants, got {got}")
            return made if made.resize is not None else replace(made, resize=self.resize)
        total = sum(p.count for p in self.populations)
        if not self.populations:
            return self
        if total == 0:
            counts = [n] + [0] * (len(self.populations) - 1)
        else:
            exact = [p.count * n / total for p in self.populations]
            counts = [int(x) for x in exact]
            order = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
            for i in order[: n - sum(counts)]:
                counts[i] += 1
        return replace(self, populations=[p.with_count(c) for p, c in zip(self.populations, counts)])

    def all_populations(self) -> list[Population]:
        """Participants first, then callers (bot ids follow this order)."""
        return [*self.populations, *self.callers]
