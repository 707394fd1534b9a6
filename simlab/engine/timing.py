"""Think times: how long a bot waits between actions.

A wait time is a callable taking the bot's ``random.Random`` and returning seconds,
so the draw comes from the bot's own seeded stream and is reproducible.  The
helpers are small frozen dataclasses rather than lambdas so that a report can
print them (``between(1, 3)``) and two scenarios can compare them.

Example::

    class Caller(Bot):
        wait_time = between(1, 3)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol


class WaitTime(Protocol):
    """Anything that draws a think time in seconds from a bot's generator."""

    def __call__(self, rng: random.Random) -> float: ...


@dataclass(frozen=True, slots=True)
class Between:
    """A think time drawn uniformly from ``[low, high]`` seconds."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if self.low < 0 or self.high < self.low:
            raise ValueError(f"between(low, high) needs 0 <= low <= high, got ({self.low}, {self.high})")

    def __call__(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)

    def __repr__(self) -> str:
        return f"between({self.low!r}, {self.high!r})"


@dataclass(frozen=True, slots=True)
class Constant:
    """A fixed think time of ``seconds``; draws nothing from the generator."""

    seconds: float

    def __post_init__(self) -> None:
        if self.seconds < 0:
            raise ValueError(f"constant(seconds) must be non-negative, got {self.seconds}")

    def __call__(self, rng: random.Random) -> float:
        return self.seconds

    def __repr__(self) -> str:
        return f"constant({self.seconds!r})"


@dataclass(frozen=True, slots=True)
class Exponential:
    """A think time drawn from an exponential distribution with ``mean`` seconds."""

    mean: float

    def __post_init__(self) -> None:
        if self.mean <= 0:
            raise ValueError(f"exponential(mean) must be positive, got {self.mean}")

    def __call__(self, rng: random.Random) -> float:
        return rng.expovariate(1.0 / self.mean)

    def __repr__(self) -> str:
        return f"exponential({self.mean!r})"


def between(low: float, high: float) -> Between:
    """Wait a uniform random time between ``low`` and ``high`` seconds."""
    return Between(float(low), float(high))


def constant(seconds: float) -> Constant:
    """Wait exactly ``seconds`` seconds."""
    return Constant(float(seconds))


def exponential(mean: float) -> Exponential:
    """Wait an exponentially distributed time with the given ``mean`` (Poisson pacing)."""
    return Exponential(float(mean))
