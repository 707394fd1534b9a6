"""The ``dallinger`` package as experiments see it when simlab serves them.

As in Dallinger, the subpackages are attributes of the package
(``dallinger.config.get_config()``, ``dallinger.db.session``...); they are
imported on first use, so ``import dallinger`` stays cheap.  The deployment
tooling Dallinger also imports here (``heroku``, ``command_line``) is absent:
touching it raises the one-line message naming why.
"""

import importlib
import logging
from typing import Any

from ..surface import AbsentName, absent_reason, missing_message

__version__ = "12.4.0"

logger = logging.getLogger("dallinger")
logger.addHandler(logging.NullHandler())

SUBMODULES = (
    "bots",
    "config",
    "db",
    "experiment",
    "experiments",
    "information",
    "models",
    "networks",
    "nodes",
    "processes",
    "recruiters",
    "transformations",
    "utils",
)


def __getattr__(name: str) -> Any:
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("__"):
        raise AttributeError(name)
    if absent_reason(f"dallinger.{name}") is not None:
        raise AbsentName(missing_message(f"dallinger.{name}"))
    raise AbsentName(missing_message("dallinger", name))


def __dir__() -> list[str]:
    return sorted([*globals(), *SUBMODULES])


__all__ = [*SUBMODULES, "logger"]
