"""Populations and run limits: who arrives, how fast, and when a run stops."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .bot import Bot, FlowFn, flow_bot
from .timing import WaitTime


@dataclass(frozen=True)
class Population:
    """``count`` bots of one kind arriving at ``rate`` per second.

    Args:
        bot: a :class:`~simlab.engine.bot.Bot` subclass, or an ``async def flow(bot)``.
        count: how many bots to start.
        rate: arrivals per second, evenly spaced; ``None`` starts them all at once.
        name: the population's name in reports (defaults to the bot's name).
        start: seconds after the run start before the first arrival.
        wait_time: overrides the bot class's ``wait_time``.
        options: keyword options the bot reads as ``bot.options``.

    Example::

        Population(participant, count=20, rate=5, options={"drop_out": 0.1})
    """

    bot: type[Bot] | FlowFn
    count: int
    rate: float | None = None
    name: str | None = None
    start: float = 0.0
    wait_time: WaitTime | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"Population.count must be >= 0, got {self.count}")
        if self.rate is not None and self.rate <= 0:
            raise ValueError(f"Population.rate must be positive or None, got {self.rate}")
        if self.start < 0:
            raise ValueError(f"Population.start must be >= 0, got {self.start}")
        if isinstance(self.bot, type) and getattr(self.bot, "abstract", False) and "abstract" in vars(self.bot):
            raise ValueError(f"Population.bot {self.bot.__name__} is abstract")

    @property
    def label(self) -> str:
        """The population's name in reports."""
        return self.name or getattr(self.bot, "__name__", "bots")

    def bot_class(self) -> type[Bot]:
        """Return the Bot class to instantiate (a flow is wrapped in a FlowBot)."""
        cls = self.bot if isinstance(self.bot, type) else flow_bot(self.bot)
        if self.wait_time is not None:
            cls = type(cls.__name__, (cls,), {"wait_time": self.wait_time})
        return cls

    def arrival(self, index: int) -> float:
        """Seconds after the run start at which bot ``index`` arrives."""
        return self.start + (index / self.rate if self.rate else 0.0)

    def with_count(self, count: int) -> Population:
        """Return a copy with another ``count`` (``--participants`` scales populations)."""
        return Population(self.bot, count, self.rate, self.name, self.start, self.wait_time, self.options)


@dataclass(frozen=True)
class Limits:
    """When a run stops (the first condition met wins).

    Args:
        duration: seconds after the start; running bots are cancelled ("stopped").
        participants: the most bots started in total across populations.
        finished: stop once this many bots have finished (running ones are cancelled).
    """

    duration: float | None = None
    participants: int | None = None
    finished: int | None = None

    def __post_init__(self) -> None:
        for name in ("duration", "participants", "finished"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Limits.{name} must be >= 0 or None, got {value}")
