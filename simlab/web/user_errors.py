"""The experiment's own exceptions, as their author reads them: their file, their line.

A hook, a route, ``create_network`` or a background task that raises is answered
the way Dallinger answers it (the route's generic error), and recorded here with
the traceback cut to the researcher's own frames: simlab's, the standard
library's and installed packages' frames are dropped, so what is left points at
the line to fix.  ``simlab serve`` logs it so; a run prints it and writes it into
its report.  Repeats of one error (same type, same place) are counted, not kept.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import sysconfig
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger("simlab.experiment")

SIMLAB = str(Path(__file__).resolve().parents[1])
#: Folders whose frames are never the researcher's (simlab, the standard library, installed packages).
NOT_THEIRS = tuple(
    os.path.join(str(Path(p).resolve()), "")
    for p in {SIMLAB, *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")), sys.prefix, sys.base_prefix}
)
_ID = re.compile(r"/\d+(?=/|$)")
#: Distinct errors kept per app (a broken hook repeats the same one).
LIMIT = 20


def theirs(filename: str) -> bool:
    """Whether a frame's file is the researcher's (not simlab's, not Python's, not a package's)."""
    path = str(Path(filename).resolve()) if not filename.startswith("<") else filename
    return not path.startswith("<") and not path.startswith(NOT_THEIRS)


def their_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of ``exc`` (and what caused it) that are the researcher's, outermost first."""
    frames: list[traceback.FrameSummary] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if theirs(f.filename)] + frames
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return frames


@dataclass
class UserError:
    """One distinct error: where it happened, its one-line text, its own frames, how often."""

    where: str
    text: str
    frames: list[str] = field(default_factory=list)
    count: int = 1

    def lines(self) -> list[str]:
        """The error as printed: one line, then the researcher's frames (``File ..., line N, in f`` and the code)."""
        times = f" ({self.count}x)" if self.count > 1 else ""
        return [f"experiment error{times} in {self.where}: {self.text}", *self.frames]

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "error": self.text, "traceback": self.frames, "count": self.count}


def route_name(method: str, path: str) -> str:
    """``POST /info/3`` -> ``POST /info/<id>`` (one entry per route, not per id)."""
    return f"{method} {_ID.sub('/<id>', path)}"


class UserErrors:
    """The distinct errors an experiment raised while served (one per app)."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, tuple[str, ...]], UserError] = {}

    def record(self, where: str, exc: BaseException, *, log: bool = True) -> UserError:
        """Keep ``exc`` (raised while answering ``where``); log it with the researcher's frames only."""
        frames = [line.rstrip("\n") for line in traceback.format_list(their_frames(exc))]
        frames = [part for chunk in frames for part in chunk.splitlines()]
        text = "".join(traceback.format_exception_only(exc)).strip().splitlines()[-1]
        key = (where, type(exc).__name__, tuple(frames[-2:]))
        error = self._by_key.get(key)
        if error is not None:
            error.count += 1
        elif len(self._by_key) < LIMIT:
            error = self._by_key[key] = UserError(where, text, frames)
        else:
            error = UserError(where, text, frames)
        if log and logger.hasHandlers():  # a server's log (simlab serve); a run prints them in its report
            logger.warning("%s", "\n".join(error.lines()) if error.count == 1 else error.lines()[0])
        return error

    def all(self) -> list[UserError]:
        return list(self._by_key.values())

    def __bool__(self) -> bool:
        return bool(self._by_key)
