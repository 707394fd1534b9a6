"""Load a user's experiment: a plain experiment file, a Dallinger experiment folder, or an oTree project.

The file is imported by path under a unique module name (no ``sys.path``
changes).  Its Experiment subclass is the one it defines (the most derived,
when it defines several: one rule, whichever way it is run); a ``config.txt``
beside it gives Dallinger config values; ``templates/`` and ``static/`` beside
it override simlab's pages.  Whatever goes wrong is a :class:`SourceError`.

Configuration is merged here, in one place, for every way of serving
(:meth:`ExperimentSource.make_config`), lowest priority first: Dallinger's
defaults, the experiment class (``config_defaults()``, the ``config = {...}``
attribute, ``config_settings()``), ``config.txt``, the environment (a variable
named after a key the experiment uses, any case, as Dallinger reads it), then
what the caller sets (command-line flags, a scenario's ``config``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from .. import pyfile
from ..domain import Experiment
from ..domain.config import DEFAULTS, KEY_TYPES, SYNONYMS, Config, ConfigValueError, read_config_txt
from ..domain.otree import StudySettings
from ..errors import ConfigError, SourceError
from .otree import SETTINGS, is_otree_project, load_project
from .package import import_experiment_package, imports_dallinger

#: Modules Dallinger experiments import that come with the ``dallinger`` extra.
EXTRAS = {"selenium", "sqlalchemy", "nltk"}


#: The kinds of path a user may name (one branch each in :func:`source_kind`).
SourceKind = Literal["file", "dallinger", "otree"]


@dataclass(frozen=True)
class ExperimentSource:
    """What a user's experiment (file, Dallinger folder, or a class) provides, loaded once."""

    #: The experiment file; None for a class given directly (Dallinger's base experiment, a scenario's class).
    path: Path | None
    module: ModuleType | None
    experiment_class: type[Experiment]
    #: Config values from the experiment class and config.txt (the environment and the caller come later).
    config: dict[str, Any] = field(default_factory=dict)
    #: Types of config keys the experiment registered (``extra_parameters``).
    config_types: dict[str, type] = field(default_factory=dict)
    #: Synonyms of config keys the experiment registered (``register(key, type, synonyms=...)``).
    config_synonyms: dict[str, str] = field(default_factory=dict)
    #: oTree study settings (SESSION_CONFIGS, ROOMS, ...) the file defines.
    study: StudySettings = field(default_factory=StudySettings)
    #: The experiment's own routes (a Flask app), if it has any.
    views: Any = None
    #: Whether the experiment is written against ``dallinger`` (served through simlab.compat).
    dallinger: bool = False
    #: Whether this is an oTree project folder (``path`` its settings.py; the base Experiment serves it).
    otree_project: bool = False
    #: The keys whose values came from the folder's config.txt (an error in one names that file).
    config_file_keys: frozenset[str] = frozenset()

    @property
    def folder(self) -> Path | None:
        """The folder the experiment's files (templates/, static/, config.txt) are in."""
        return None if self.path is None else self.path.parent

    @property
    def kind(self) -> SourceKind:
        return "dallinger" if self.dallinger else "otree" if self.otree_project else "file"

    @property
    def working_dir(self) -> Path | None:
        """The folder a Dallinger experiment runs from (it opens files relative to it), else None."""
        return self.folder if self.dallinger else None

    @property
    def namespace(self) -> Mapping[str, Any] | None:
        """The experiment module's names (oTree settings a scenario's study may come from)."""
        return None if self.module is None else vars(self.module)

    @property
    def name(self) -> str:
        if self.path is None:
            return "the base Experiment" if self.experiment_class is Experiment else self.experiment_class.__name__
        return f"{self.experiment_class.__name__} from {self.path}"

    @classmethod
    def of_class(cls, experiment_class: type[Experiment] = Experiment) -> ExperimentSource:
        """A source for a class given directly (default: Dallinger's base experiment)."""
        return cls(path=None, module=None, experiment_class=experiment_class, config=class_config(experiment_class))

    def make_config(
        self, overrides: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None
    ) -> Config:
        """A fresh, typed configuration for one app of this experiment: the one merge of every source.

        ``environ`` (default ``os.environ``) gives values for the keys the experiment
        uses (Dallinger's defaults and the keys it registered), named in any case;
        ``overrides`` (flags, a scenario's ``config``) win over everything.
        """
        env = os.environ if environ is None else environ
        known = set(DEFAULTS) | set(self.config_types)
        where = str(self.path) if self.path is not None else self.name
        try:
            config = Config(self.config, self.config_types, self.config_synonyms)
            for name, value in env.items():
                key = name.lower()
                if key in known and key != "mode":
                    config.set(key, value)
            for key, value in (overrides or {}).items():
                config.set(key, value)
        except SourceError:
            raise
        except ConfigValueError as exc:
            if exc.key in self.config_file_keys and self.folder is not None:
                where = str(self.folder / "config.txt")
            raise SourceError(f"{where}: {exc}") from exc
        except ConfigError as exc:
            raise SourceError(f"{where}: {exc}") from exc
        return config


def class_config(experiment_class: type[Experiment]) -> dict[str, Any]:
    """The config values an experiment class sets, lowest priority first."""
    config = {**experiment_class.config_defaults(), **(experiment_class.config or {})}
    config.update(experiment_class.config_settings())
    return config


def import_file(path: Path, kind: str = "experiment") -> ModuleType:
    """Import the user's file at ``path``; whatever goes wrong is a SourceError naming it."""
    try:
        return pyfile.import_path(path, kind, error=SourceError)
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(f"{path}: importing it raised {type(exc).__name__}: {exc}") from exc


def find_experiment_class(module: ModuleType, where: str) -> type[Experiment]:
    """The Experiment subclass ``module`` defines; the most derived one if several."""
    defined = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Experiment) and obj.__module__ == module.__name__
    ]
    leaves = [c for c in defined if not any(o is not c and issubclass(o, c) for o in defined)]
    if not leaves:
        raise SourceError(f"{where}: defines no subclass of simlab.Experiment")
    if len(leaves) > 1:
        names = ", ".join(sorted(c.__name__ for c in leaves))
        raise SourceError(f"{where}: defines several experiments ({names}); keep one per file")
    return leaves[0]


def source_kind(path: Path) -> SourceKind:
    """Which kind of source ``path`` (resolved, existing) is: one branch per kind."""
    if path.is_dir():
        if (path / "experiment.py").is_file():
            return "dallinger"
        if is_otree_project(path):
            return "otree"
        raise SourceError(
            f"{path}: a Dallinger experiment folder needs an experiment.py (an oTree project folder, a settings.py)"
        )
    if path.name == "experiment.py" and imports_dallinger(path):
        return "dallinger"
    return "file"


def load_source(path: str | Path, *, mode: str | None = None) -> ExperimentSource:
    """Import an experiment file or a Dallinger experiment folder, and find its class and configuration.

    A folder (or a file that imports ``dallinger``) is imported as a package with
    the ``dallinger`` names resolving to simlab, and it runs as ``dallinger debug``
    runs it: ``mode`` is ``debug`` whatever config.txt says, unless ``mode`` is given.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise SourceError(f"experiment file {str(path)!r} does not exist")
    try:
        kind = source_kind(path)
        if kind == "dallinger":
            return _load_dallinger(path / "experiment.py" if path.is_dir() else path, mode)
        if kind == "otree":
            return _load_otree(path)
        return _load_file(path, mode)
    except SourceError:
        raise
    except ConfigError as exc:  # config.txt or a value in it: one error type for whatever a source gets wrong
        raise SourceError(str(exc)) from exc


def _load_otree(folder: Path) -> ExperimentSource:
    """An oTree project folder, unedited: its study settings and apps; the base Experiment
    (simlab serves its REST API, rooms and links; oTree's pages are not run)."""
    module, study = load_project(folder)
    return ExperimentSource(
        path=folder / SETTINGS, module=module, experiment_class=Experiment, config=class_config(Experiment),
        study=study, otree_project=True,
    )


def _load_file(path: Path, mode: str | None) -> ExperimentSource:
    """A plain experiment file (simlab's own API)."""
    config_txt = path.parent / "config.txt"
    raw = read_config_txt(config_txt) if config_txt.is_file() else {}
    module = import_file(path)
    experiment_class = find_experiment_class(module, str(path))
    config = {**class_config(experiment_class), **raw}
    if mode is not None:
        config["mode"] = mode
    study = StudySettings.from_namespace(vars(module), path.parent)
    return ExperimentSource(
        path=path, module=module, experiment_class=experiment_class, config=config, study=study, config_file_keys=frozenset(raw)
    )


def _load_dallinger(path: Path, mode: str | None) -> ExperimentSource:
    """A Dallinger experiment folder's experiment.py, imported as Dallinger imports it."""
    config_txt = path.parent / "config.txt"
    raw = read_config_txt(config_txt) if config_txt.is_file() else {}
    from .. import compat
    from ..compat.config import loading
    from ..compat.surface import AbsentName, describe_import_error

    compat.install()
    registry = Config({})
    try:
        with loading(registry):  # module-level ``get_config().register(...)`` types keys of this load
            module = import_experiment_package(path.parent)
    except SourceError:
        raise
    except ImportError as exc:
        one_line = describe_import_error(exc)
        if one_line is not None:
            raise SourceError(f"{path}: {one_line}") from exc
        hint = " (pip install 'simlab[dallinger]' brings what Dallinger experiments import)" if exc.name in EXTRAS else ""
        raise SourceError(f"{path}: importing it raised {type(exc).__name__}: {exc}{hint}") from exc
    except AbsentName as exc:
        raise SourceError(f"{path}: {exc}") from exc
    except Exception as exc:
        raise SourceError(f"{path}: importing it raised {type(exc).__name__}: {exc}") from exc
    # registrations made while the module was first imported hold for every later load of it
    types_at_import, synonyms_at_import = module.__dict__.setdefault(
        "_simlab_import_registrations", (dict(registry.types), dict(registry.synonyms))
    )
    registry.types.update(types_at_import)
    registry.synonyms.update(synonyms_at_import)
    experiment_class = find_experiment_class(module, str(path))
    with loading(registry):
        experiment_class.extra_parameters()
        module_parameters = getattr(module, "extra_parameters", None)
        if callable(module_parameters):
            module_parameters()
    types = {k: v for k, v in registry.types.items() if KEY_TYPES.get(k) is not v}
    synonyms = {k: v for k, v in registry.synonyms.items() if SYNONYMS.get(k) != v}
    raw = {registry.canonical(k): v for k, v in raw.items()}
    unknown = sorted(k for k in raw if k not in registry.types)
    if unknown:
        raise SourceError(f"{config_txt}: {unknown[0]} is not a valid configuration key")
    config = {**class_config(experiment_class), **raw}
    config["mode"] = mode or "debug"
    study = StudySettings.from_namespace(vars(module), path.parent)
    return ExperimentSource(
        path=path,
        module=module,
        experiment_class=experiment_class,
        config=config,
        config_types=types,
        config_synonyms=synonyms,
        study=study,
        views=compat.experiment_views(experiment_class, module),
        dallinger=True,
        config_file_keys=frozenset(raw),
    )
