"""The meta-path finder that maps ``dallinger`` and ``dallinger.*`` onto simlab's modules.

Each ``dallinger.X`` is the very module object ``simlab.compat.dallinger.X`` (one
object under two names), so classes compare equal whichever name imported them.
A real ``dallinger`` already imported is set aside while the finder is in place
and put back by ``uninstall``.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from ..domain import context
from ..domain import experiment as experiment_module
from ..pyfile import AliasFinder
from ..domain.base import ModelMeta
from .query import ClassLevelColumns
from .session import session as compat_session

PREFIX = "dallinger"
TARGET = "simlab.compat.dallinger"


_finder = AliasFinder(PREFIX, TARGET)
_set_aside: dict[str, ModuleType] = {}


def _store_of_current() -> Any:
    exp = context.current_experiment()
    if exp is None:
        raise RuntimeError("a Dallinger model query needs an experiment served by simlab")
    return exp.store


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (idempotent) and enable class-level columns."""
    if _finder in sys.meta_path:
        return
    for name in [n for n in sys.modules if n == PREFIX or n.startswith(PREFIX + ".")]:
        module = sys.modules[name]
        if not getattr(module, "__name__", "").startswith(TARGET):
            _set_aside[name] = sys.modules.pop(name)
    sys.meta_path.insert(0, _finder)
    ModelMeta.sql = ClassLevelColumns(_store_of_current)
    experiment_module.session_provider[0] = lambda: compat_session


def uninstall() -> None:
    """Take the finder out, forget the aliases and restore a real ``dallinger`` set aside."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in [n for n in sys.modules if n == PREFIX or n.startswith(PREFIX + ".")]:
        del sys.modules[name]
    sys.modules.update(_set_aside)
    _set_aside.clear()
    ModelMeta.sql = None
    experiment_module.session_provider[0] = lambda: None


def installed() -> bool:
    return _finder in sys.meta_path
