"""Bots: flows (a protocol top to bottom) and Locust-shaped task classes.

A *flow* is ``async def flow(bot): ...`` following a participant's protocol; the
engine runs it once.  A *task bot* subclasses :class:`Bot`, marks methods with
``@task(weight)``, and the engine calls ``on_start``, then picks tasks by weight
with the bot's own generator and waits ``wait_time`` between them, until a task
raises :class:`StopBot` or a stop condition cancels it; ``on_stop`` always runs.

Every bot gets: ``id``, ``index`` (its position in its population, from 0),
``population``, ``random`` (its seeded ``random.Random``;
draw every decision from it), ``persona`` (seeded Faker identity), ``dallinger`` and
``otree`` (API clients), ``http`` (the raw httpx client) and ``options`` (the
population's keyword options).

Two logs per bot.  *Decisions* (:meth:`Bot.decide`, :meth:`Bot.choice`,
:meth:`Bot.chance`, :meth:`Bot.think`) are what the seed chose; the report's
decision digests cover them only, so the same seed gives the same digests in
process and over real sockets alike.  *Observations* (:meth:`Bot.observe`,
:meth:`Bot.poll_wait`) are what the server answered (ids, counts, contents built
from what was received) and how often the bot had to poll; they are written to
``decisions.jsonl`` beside the decisions but never digested, because over a real
socket they depend on timing.  Poll waits draw from a generator of their own, so
the number of polls never shifts the decision stream.

Example::

    class Caller(Bot):
        wait_time = between(1, 3)

        @task(3)
        async def read(self):
            await self.dallinger.summary()

        @task
        async def done(self):
            raise StopBot
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar, overload

import httpx
import trio

from .clients.dallinger import DallingerClient
from .clients.otree import OTreeClient
from .persona import Persona
from .timing import Constant, WaitTime

T = TypeVar("T")
TaskFn = Callable[[Any], Awaitable[object]]


class StopBot(Exception):
    """Raise inside a bot to end it normally (it counts as finished, not failed)."""


@overload
def task(weight: TaskFn) -> TaskFn: ...
@overload
def task(weight: int = 1) -> Callable[[TaskFn], TaskFn]: ...
def task(weight: int | TaskFn = 1) -> TaskFn | Callable[[TaskFn], TaskFn]:
    """Mark a :class:`Bot` method as a task picked with relative ``weight``.

    Usable bare (``@task``) or with a weight (``@task(3)``).
    """
    if callable(weight):
        weight.__simlab_task_weight__ = 1  # type: ignore[attr-defined]
        return weight
    if weight < 1:
        raise ValueError(f"task weight must be >= 1, got {weight}")

    def mark(fn: TaskFn) -> TaskFn:
        fn.__simlab_task_weight__ = weight  # type: ignore[attr-defined]
        return fn

    return mark


class Bot:
    """Base class of every bot; see the module docstring.

    Class attributes:
        wait_time: think time between tasks (and the default for :meth:`think`).
        abstract: set True on shared bases that should never run themselves.
    """

    wait_time: ClassVar[WaitTime] = Constant(0.0)
    abstract: ClassVar[bool] = False

    def __init__(
        self,
        *,
        id: int,
        population: str,
        rng: random.Random,
        persona: Callable[[], Persona],
        http: httpx.AsyncClient,
        dallinger: DallingerClient,
        otree: OTreeClient,
        options: Mapping[str, Any] | None = None,
        index: int = 0,
    ) -> None:
        self.id = id
        self.index = index
        self.population = population
        self.random = rng
        self._persona_factory = persona
        self._persona: Persona | None = None
        self.http = http
        self.dallinger = dallinger
        self.otree = otree
        self.options: Mapping[str, Any] = dict(options or {})
        #: Seeded choices (digested in the report).
        self.decisions: list[tuple[str, object]] = []
        #: What the server answered and poll waits (logged, not digested).
        self.observations: list[tuple[str, object]] = []
        #: Draws poll waits, apart from ``random`` (seeded from it once, at creation).
        self.timing = random.Random(rng.getrandbits(64))

    @property
    def persona(self) -> Persona:
        """The bot's seeded persona (built on first use)."""
        if self._persona is None:
            self._persona = self._persona_factory()
        return self._persona

    # -- decisions -------------------------------------------------------------------
    def decide(self, label: str, value: T) -> T:
        """Record a seeded decision in the bot's log and return ``value`` unchanged.

        Record here only what the bot's generator chose; what the server answered
        goes to :meth:`observe`.
        """
        self.decisions.append((label, value))
        return value

    def observe(self, label: str, value: T) -> T:
        """Record what the server answered (an id, a count, ...) and return ``value`` unchanged."""
        self.observations.append((label, value))
        return value

    def chance(self, label: str, p: float) -> bool:
        """Return True with probability ``p`` (drawn from the bot's generator) and log it."""
        return self.decide(label, self.random.random() < p)

    def choice(self, label: str, items: Sequence[T]) -> T:
        """Pick one of ``items`` with the bot's generator and log it.

        Always one draw, whatever ``len(items)``: a list that came from the server
        (and may differ in length between runs) never shifts the later draws.
        """
        if not items:
            raise IndexError("cannot choose from an empty sequence")
        return self.decide(label, items[int(self.random.random() * len(items))])

    async def think(self, wait: WaitTime | float | None = None) -> float:
        """Sleep a think time (``wait``, else the class ``wait_time``); return it."""
        if wait is None:
            seconds = type(self).wait_time(self.random)
        elif isinstance(wait, (int, float)):
            seconds = float(wait)
        else:
            seconds = wait(self.random)
        self.decide("think", round(seconds, 6))
        await trio.sleep(seconds)
        return seconds

    async def poll_wait(self, wait: WaitTime | float | None = None) -> float:
        """Sleep between two polls of the server (``wait``, else ``wait_time``); return it.

        How many polls a bot makes depends on the server's timing, so the wait is an
        observation, drawn from :attr:`timing`: it never shifts the seeded decisions.
        """
        if wait is None:
            seconds = type(self).wait_time(self.timing)
        elif isinstance(wait, (int, float)):
            seconds = float(wait)
        else:
            seconds = wait(self.timing)
        self.observe("poll_wait", round(seconds, 6))
        await trio.sleep(seconds)
        return seconds

    # -- lifecycle -------------------------------------------------------------------
    async def on_start(self) -> None:
        """Run once before the first task."""

    async def on_stop(self) -> None:
        """Run once when the bot ends, however it ends (keep it short)."""

    @classmethod
    def tasks(cls) -> list[tuple[TaskFn, int]]:
        """Return ``(function, weight)`` for each ``@task`` method, in definition order."""
        found: dict[str, tuple[TaskFn, int]] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                weight = getattr(value, "__simlab_task_weight__", None)
                if weight is not None:
                    found[name] = (value, weight)
        return list(found.values())

    async def run(self) -> None:
        """Run ``on_start``, then weighted tasks with think times until :class:`StopBot`."""
        tasks = self.tasks()
        if not tasks:
            raise TypeError(f"{type(self).__name__} has no @task methods and does not override run()")
        fns = [fn for fn, _ in tasks]
        weights = [w for _, w in tasks]
        await self.on_start()
        while True:
            fn = self.random.choices(fns, weights)[0]
            self.decide("task", fn.__name__)
            await fn(self)
            await self.think()


FlowFn = Callable[[Bot], Awaitable[object]]


class FlowBot(Bot):
    """A bot that runs one ``async def flow(bot)`` function from top to bottom."""

    flow: ClassVar[FlowFn]

    async def run(self) -> None:
        """Run the flow once."""
        await type(self).flow(self)


def flow_bot(flow: FlowFn, *, wait_time: WaitTime | None = None) -> type[Bot]:
    """Wrap ``flow`` in a :class:`FlowBot` subclass named after it."""
    attrs: dict[str, Any] = {"flow": staticmethod(flow), "__doc__": flow.__doc__}
    if wait_time is not None:
        attrs["wait_time"] = wait_time
    return type(getattr(flow, "__name__", "flow"), (FlowBot,), attrs)
