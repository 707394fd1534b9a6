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
from .domain.config import KEY_TYPES, Config, ConfigValueError, read_config_txt
from .domain.otree import StudySettings
from .errors import ConfigError
from .experiment_package import import_experiment_package, imports_dallinger

#: Modules Dallinger experiments import that come with the ``dallinger`` extra.
EXTRAS = {"selenium", "sqlalchemy", "nltk"}


@dataclass(frozen=True)
class ExperimentFile:
    """What an experiment file (or a Dallinger experiment folder) provides."""

    path: Path
    module: ModuleType
    experiment_class: type[Experiment]
    config: dict[str, Any] = field(default_factory=dict)
    #: Types of config keys the experiment registered (``extra_parameters``).
    config_types: dict[str, type] = field(default_factory=dict)
    #: oTree study settings (SESSION_CONFIGS, ROOMS, ...) the file defines.
    study: StudySettings = field(default_factory=StudySettings)
    #: The experiment's own routes (a Flask app), if it has any.
    views: Any = None
    #: Whether the experiment is written against ``dallinger`` (served through simlab.compat).
    dallinger: bool = False
    #: The keys whose values came from the folder's config.txt (errors in them name the file).
    config_file_keys: frozenset[str] = frozenset()

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def templates_dir(self) -> Path:
        return self.folder / "templates"

    @property
    def static_dir(self) -> Path:
        return self.folder / "static"

    def make_config(self) -> Config:
        """A fresh, typed configuration for one app of this experiment; a bad config.txt value names the file."""
        try:
            return Config(self.config, self.config_types)
        except ConfigValueError as exc:
            config_txt = self.folder / "config.txt"
            if exc.key in self.config_file_keys:
                raise ConfigError(f"{config_txt}: {exc}") from None
            raise


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


def load_experiment_file(path: str | Path, *, mode: str | None = None) -> ExperimentFile:
    """Import an experiment file or a Dallinger experiment folder, and find its class and configuration.

    A folder (or a file that imports ``dallinger``) is imported as a package with
    the ``dallinger`` names resolving to simlab, and it runs as ``dallinger debug``
    runs it: ``mode`` is ``debug`` whatever config.txt says, unless ``mode`` is given.
    """
    path = Path(path).resolve()
    if path.is_dir():
        path = path / "experiment.py"
        if not path.is_file():
            raise ConfigError(f"{path.parent}: a Dallinger experiment folder needs an experiment.py")
    if not path.is_file():
        raise ConfigError(f"experiment file {str(path)!r} does not exist")
    dallinger = path.name == "experiment.py" and imports_dallinger(path)
    config_txt = path.parent / "config.txt"
    raw = read_config_txt(config_txt) if config_txt.is_file() else {}
    if not dallinger:
        module = import_file(path)
        experiment_class = find_experiment_class(module, str(path))
        config: dict[str, Any] = dict(raw)
        if mode is not None:
            config["mode"] = mode
        study = StudySettings.from_namespace(vars(module), path.parent)
        return ExperimentFile(
            path=path, module=module, experiment_class=experiment_class, config=config, study=study, config_file_keys=frozenset(raw)
        )
    from . import compat
    from .compat.config import loading

    compat.install()
    try:
        module = import_experiment_package(path.parent)
    except ConfigError:
        raise
    except ModuleNotFoundError as exc:
        hint = " (pip install 'simlab[dallinger]' brings what Dallinger experiments import)" if exc.name in EXTRAS else ""
        raise ConfigError(f"{path}: importing it raised ModuleNotFoundError: {exc}{hint}") from exc
    except Exception as exc:
        raise ConfigError(f"{path}: importing it raised {type(exc).__name__}: {exc}") from exc
    experiment_class = find_experiment_class(module, str(path))
    registry = Config({})
    with loading(registry):
        experiment_class.extra_parameters()
        module_parameters = getattr(module, "extra_parameters", None)
        if callable(module_parameters):
            module_parameters()
    types = {k: v for k, v in registry.types.items() if KEY_TYPES.get(k) is not v}
    unknown = sorted(k for k in raw if k not in registry.types)
    if unknown:
        raise ConfigError(f"{config_txt}: {unknown[0]} is not a valid configuration key")
    config = {**experiment_class.config_defaults(), **(experiment_class.config or {})}
    config.update(experiment_class.config_settings())
    config.update(raw)
    config["mode"] = mode or "debug"
    study = StudySettings.from_namespace(vars(module), path.parent)
    return ExperimentFile(
        path=path,
        module=module,
        experiment_class=experiment_class,
        config=config,
        config_types=types,
        study=study,
        views=compat.experiment_views(experiment_class, module),
        dallinger=True,
        config_file_keys=frozenset(raw),
    )
