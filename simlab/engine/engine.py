"""The engine: start bots on schedule, run them concurrently, stop on a limit.

All bots run in one trio nursery.  Arrivals are planned up front from the
populations (evenly spaced at each population's rate, merged by time, cut at
``Limits.participants``), so which bots start, and when, depends only on the
scenario.  Each planned arrival is nudged by ``tie_gap`` times its position in the
plan, so no two bots ever wake at the same instant: under a virtual clock that
makes the interleaving of bots, and therefore the final state, a function of the
seed alone (trio shuffles tasks that become runnable together).

Time is read only through ``trio.current_time`` and spent only in ``trio.sleep``,
so tests run the engine under ``autojump_clock`` without real waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import trio

from .bot import Bot, StopBot
from .clients.connect import ClientSource
from .clients.dallinger import DallingerClient
from .gc_policy import quiet_gc
from .events import BotEvent, Events
from .clients.otree import OTreeClient
from .persona import Persona, PersonaFactory
from .population import Limits, Population
from .clients.retry import RetryPolicy
from .seeds import derive_random, derive_seed


@dataclass(frozen=True, slots=True)
class Arrival:
    """One planned bot: when it arrives (seconds after start), its id and population."""

    at: float
    bot: int
    population: int
    index: int


@dataclass(frozen=True, slots=True)
class EngineStatistics:
    """A snapshot of the engine's bots."""

    planned: int
    started: int
    active: int
    finished: int
    failed: int
    stopped: int


def plan_arrivals(populations: Sequence[Population], limits: Limits, tie_gap: float = 1e-6) -> list[Arrival]:
    """Return the arrivals of every population in time order, cut at ``limits.participants``.

    Bot ids are unique per run: population ``j`` owns ids after those of populations
    ``< j``, so a bot keeps its id (and its seed) whatever the limits.
    """
    raw: list[tuple[float, int, int, int]] = []
    first = 1
    for j, pop in enumerate(populations):
        raw.extend((pop.arrival(i), j, i, first + i) for i in range(pop.count))
        first += pop.count
    raw.sort()
    if limits.participants is not None:
        raw = raw[: limits.participants]
    return [Arrival(at + k * tie_gap, bot, j, i) for k, (at, j, i, bot) in enumerate(raw)]


class Engine:
    """Runs populations of bots against one target.

    Args:
        populations: who arrives.
        source: hands out httpx clients (see :class:`~simlab.engine.clients.connect.ClientSource`).
        seed: the run seed; every bot's generator and persona derive from it.
        events: the run's hooks (stats and progress listen to them).
        limits: stop conditions.
        retry: the retry policy of every bot's API clients.
        otree_rest_key: sent as ``otree-rest-key`` by the oTree clients.
        stop_grace: seconds ``on_stop`` may take after a bot is cancelled.
        plan: the arrivals to run instead of planning them from ``populations`` and
            ``limits`` (a shard of a distributed run gets its share of the run's plan,
            with the bot ids and arrival times the whole run gave them).

    Example::

        engine = Engine([Population(flow, 20, rate=5)], source, seed=1, events=events)
        await engine.run()
    """

    def __init__(
        self,
        populations: Sequence[Population],
        source: ClientSource,
        *,
        seed: int,
        events: Events | None = None,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        otree_rest_key: str | None = None,
        personas: PersonaFactory | None = None,
        stop_grace: float = 5.0,
        tie_gap: float = 1e-6,
        plan: Sequence[Arrival] | None = None,
    ) -> None:
        self.populations = list(populations)
        self.source = source
        self.seed = seed
        self.events = events or Events()
        self.limits = limits or Limits()
        self.retry = retry or RetryPolicy()
        self.otree_rest_key = otree_rest_key
        self.personas = personas or PersonaFactory()
        self.stop_grace = stop_grace
        self.plan = list(plan) if plan is not None else plan_arrivals(self.populations, self.limits, tie_gap)
        self.classes = [pop.bot_class() for pop in self.populations]
        #: bot id -> that bot's decision log, filled as bots end.
        self.decisions: dict[int, list[tuple[str, object]]] = {}
        #: bot id -> what that bot observed (server answers, poll waits), not digested.
        self.observations: dict[int, list[tuple[str, object]]] = {}
        self.origin: float | None = None
        self._started = self._finished = self._failed = self._stopped = 0
        self._scope: trio.CancelScope | None = None
        self._stop_requested = False

    def statistics(self) -> EngineStatistics:
        """Return how many bots are planned, running and ended (by outcome)."""
        ended = self._finished + self._failed + self._stopped
        return EngineStatistics(len(self.plan), self._started, self._started - ended, self._finished, self._failed, self._stopped)

    def stop(self) -> None:
        """Cancel the run: pending arrivals are dropped and running bots are stopped (also before it began)."""
        self._stop_requested = True
        if self._scope is not None:
            self._scope.cancel()

    async def run(self) -> EngineStatistics:
        """Start every planned bot on time and return when all ended or a limit hit."""
        self.origin = origin = trio.current_time()
        async with self.source.open():
            with trio.CancelScope() as scope, quiet_gc():
                self._scope = scope
                if self._stop_requested:
                    scope.cancel()
                if self.limits.duration is not None:
                    scope.deadline = origin + self.limits.duration
                async with trio.open_nursery() as nursery:
                    for arrival in self.plan:
                        await trio.sleep_until(origin + arrival.at)
                        nursery.start_soon(self._run_bot, arrival)
            self._scope = None
        return self.statistics()

    def _persona(self, bot: int) -> Persona:
        return self.personas.make(derive_seed(self.seed, "persona", bot))

    async def _run_bot(self, arrival: Arrival) -> None:
        pop = self.populations[arrival.population]
        label = pop.label
        self._started += 1
        self.events.bot_started.fire(BotEvent(arrival.bot, label, trio.current_time()))
        outcome, error = "finished", None
        bot: Bot | None = None
        try:
            async with self.source.client() as http:
                jitter = derive_random(self.seed, "jitter", arrival.bot)
                bot = self.classes[arrival.population](
                    id=arrival.bot,
                    population=label,
                    rng=derive_random(self.seed, "bot", label, arrival.index),
                    persona=lambda: self._persona(arrival.bot),
                    http=http,
                    dallinger=DallingerClient(http, self.events, bot=arrival.bot, retry=self.retry, jitter=jitter),
                    otree=OTreeClient(http, self.events, bot=arrival.bot, retry=self.retry, jitter=jitter, rest_key=self.otree_rest_key),
                    options=pop.options,
                    index=arrival.index,
                )
                try:
                    await bot.run()
                finally:
                    with trio.move_on_after(self.stop_grace) as grace:
                        grace.shield = True
                        await bot.on_stop()
        except StopBot:
            pass
        except trio.Cancelled:
            outcome = "stopped"
            raise
        except Exception as exc:  # the bot boundary: a bot's failure must not end the run
            outcome, error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            self._count(outcome)
            if bot is not None:
                self.decisions[arrival.bot] = bot.decisions
                self.observations[arrival.bot] = bot.observations
            self.events.bot_stopped.fire(BotEvent(arrival.bot, label, trio.current_time(), outcome, error))

    def _count(self, outcome: str) -> None:
        if outcome == "finished":
            self._finished += 1
            if self.limits.finished is not None and self._finished >= self.limits.finished:
                self.stop()
        elif outcome == "failed":
            self._failed += 1
        else:
            self._stopped += 1
