"""Bounded retries with jittered exponential backoff.

Dallinger's own bots retry forever with a sleep of at least 10 s; here a request is
tried at most ``attempts`` times and waits a "full jitter" delay between tries
(uniform in ``[0, min(cap, base * 2**n)]``), which spreads a herd of bots that all
failed at once.  The jitter comes from a generator of its own so retries (which
depend on the server) never shift a bot's decision stream.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to retry a request.

    Attributes:
        attempts: total tries, including the first (1 means never retry).
        base: the first backoff ceiling in seconds.
        cap: the largest backoff ceiling in seconds.
        statuses: response statuses worth retrying (the server was busy or restarting).
        on_transport_error: retry when no response arrived (connection refused, reset...).
    """

    attempts: int = 3
    base: float = 0.05
    cap: float = 2.0
    statuses: frozenset[int] = frozenset({502, 503, 504})
    on_transport_error: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts must be >= 1, got {self.attempts}")
        if self.base < 0 or self.cap < 0:
            raise ValueError(f"RetryPolicy base and cap must be >= 0, got {self.base}, {self.cap}")

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Return the delay before retry number ``retry`` (0 for the first retry)."""
        return rng.uniform(0.0, min(self.cap, self.base * 2**retry))


#: A policy that never retries (for benchmarks and tests of the first answer).
NO_RETRY = RetryPolicy(attempts=1)
