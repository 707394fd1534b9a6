"""Differences between simlab and the real servers that stay, each with its reason.

Keyed by ``(scenario, step index)`` of ``dallinger_sequences`` / ``otree_sequences``.
README's fidelity table summarizes these per route.
"""

from __future__ import annotations

KNOWN: dict[tuple[str, int], str] = {}
