"""Load an experiment file: plain Python written as Dallinger's ``experiment.py``.

The file is imported by path under a unique module name (no ``sys.path``
changes).  Its Experiment subclass is the one it defines (the most derived,
when it defines several); a ``config.txt`` beside it gives Dallinger config
values; ``templates/`` and ``static/`` beside it override simlab's pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from . import pyfile
from .domain import Experiment
from .domain.config import read_config_txt
from .domain.otree import StudySettings
from .errors import ConfigError


@dataclass(frozen=True)
class ExperimentFile:
    """What an experiment file provides."""

    path: Path
    module: ModuleType
    experiment_class: type[Experiment]
    config: dict[str, Any] = field(default_factory=dict)
    #: oTree study settings (SESSION_CONFIGS, ROOMS, ...) the file defines.
    study: StudySettings = field(default_factory=StudySettings)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def templates_dir(self) -> Path:
        return self.folder / "templates"

    @property
    def static_dir(self) -> Path:
        return self.folder / "static"


def import_file(path: Path, kind: str = "experiment") -> ModuleType:
    """Import the experiment file at ``path``; whatever goes wrong is a ConfigError naming it."""
    try:
        return pyfile.import_path(path, kind)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(f"{path}: importing it raised {type(exc).__name__}: {exc}") from exc


def find_experiment_class(module: ModuleType, where: str) -> type[Experiment]:
    """The Experiment subclass ``module`` defines; the most derived one if several."""
    defined = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Experiment) and obj.__module__ == module.__name__
    ]
    leaves = [c for c in defined if not any(o is not c and issubclass(o, c) for o in defined)]
    if not leaves:
        raise ConfigError(f"{where}: defines no subclass of simlab.Experiment")
    if len(leaves) > 1:
        names = ", ".join(sorted(c.__name__ for c in leaves))
        raise ConfigError(f"{where}: defines several experiments ({names}); keep one per file")
    return leaves[0]


def load_experiment_file(path: str | Path) -> ExperimentFile:
    """Import ``path`` and find its experiment class and configuration."""
    path = Path(path).resolve()
    module = import_file(path)
    experiment_class = find_experiment_class(module, str(path))
    config_txt = path.parent / "config.txt"
    config = read_config_txt(config_txt) if config_txt.is_file() else {}
    study = StudySettings.from_namespace(vars(module), path.parent)
    return ExperimentFile(path=path, module=module, experiment_class=experiment_class, config=config, study=study)
