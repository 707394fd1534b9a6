"""Seed derivation: one run seed gives every bot, shard and helper its own stream.

Deriving by hashing (rather than drawing from a shared generator) makes a bot's
stream independent of how many other bots exist or in which order they start,
so adding a population does not change the decisions of the others.
"""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *labels: object) -> int:
    """Return a 64-bit seed for ``labels`` under the run seed ``seed``.

    >>> derive_seed(1, "bot", 3) == derive_seed(1, "bot", 3)
    True
    >>> derive_seed(1, "bot", 3) != derive_seed(2, "bot", 3)
    True
    """
    text = "\x1f".join([str(int(seed)), *(repr(label) for label in labels)])
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big")


def derive_random(seed: int, *labels: object) -> random.Random:
    """Return a ``random.Random`` seeded with ``derive_seed(seed, *labels)``."""
    return random.Random(derive_seed(seed, *labels))
