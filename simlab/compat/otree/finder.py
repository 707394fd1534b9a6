"""The meta-path finder that maps ``otree`` and ``otree.*`` onto ``simlab.compat.otree.shim``.

As ``simlab.compat.finder`` does for ``dallinger``: each ``otree.X`` is the very
module object ``simlab.compat.otree.shim.X`` (one object under two names), so an
app's ``from otree.api import *`` gets simlab's names whether or not the real
oTree is installed.  A real ``otree`` already imported is set aside while the
finder is in place and put back by ``uninstall``; ``resolving()`` keeps it in
place for a block (a project's import: its modules keep the objects they got).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from ...pyfile import AliasFinder

PREFIX = "otree"
TARGET = "simlab.compat.otree.shim"


_finder = AliasFinder(PREFIX, TARGET)
_set_aside: dict[str, ModuleType] = {}


def _is_otree(name: str) -> bool:
    return name == PREFIX or name.startswith(PREFIX + ".")


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (idempotent), setting a real ``otree`` aside."""
    if _finder in sys.meta_path:
        return
    for name in [n for n in sys.modules if _is_otree(n)]:
        module = sys.modules[name]
        if not getattr(module, "__name__", "").startswith(TARGET):
            _set_aside[name] = sys.modules.pop(name)
    sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Take the finder out, forget the aliases and restore a real ``otree`` set aside."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in [n for n in sys.modules if _is_otree(n)]:
        del sys.modules[name]
    sys.modules.update(_set_aside)
    _set_aside.clear()


def installed() -> bool:
    return _finder in sys.meta_path


@contextmanager
def resolving() -> Iterator[None]:
    """``otree`` names resolve to simlab inside the block; afterwards what was there is back."""
    if installed():
        yield
        return
    install()
    try:
        yield
    finally:
        uninstall()
