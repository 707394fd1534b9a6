"""oTree's bot names (``tests.py``): importable, not run (simlab's bots call the REST API and rooms)."""

from __future__ import annotations

from typing import Any


class Bot:
    cases: list[Any] = []


class SubmissionMustFail(Exception):
    pass


def Submission(page: Any, post_data: Any = None, **kwargs: Any) -> tuple[Any, Any]:  # noqa: N802 (oTree's name)
    return page, post_data


def expect(*args: Any) -> None:
    """oTree's ``expect(a, op, b)`` / ``expect(a, b)``: simlab runs no oTree bots, so it checks nothing."""
