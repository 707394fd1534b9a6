"""Read an oTree project folder, unedited, into simlab's study settings.

An oTree project (``otree startproject``) is a folder with ``settings.py``
(``SESSION_CONFIGS``, ``ROOMS``, ...), ``_rooms/*.txt`` label files, an optional
``shared_out.py`` (``mock_exogenous_data``), and one package per app.  oTree
imports it from the folder (``sys.path``); simlab imports it as a package under a
name unique to its path (two projects never collide, ``sys.path`` is untouched),
with the ``otree`` names resolving to ``simlab.compat.otree.shim``.  Each app is
read as oTree reads it (``otree/common.py``): an ``__init__.py`` that imports
something is an oTree 5+ "no self" app holding models and pages; otherwise its
``models.py`` and ``pages.py``; constants from ``C`` (upper-case names) or
``Constants`` (lower-case); pages from ``page_sequence``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import pyfile
from ..compat.otree import finder
from ..domain.otree import App, StudySettings
from ..errors import ConfigError

SETTINGS = "settings.py"


def is_otree_project(path: Path) -> bool:
    """Whether ``path`` is an oTree project folder: a ``settings.py`` and no Dallinger ``experiment.py``."""
    return path.is_dir() and (path / SETTINGS).is_file() and not (path / "experiment.py").is_file()


class _ProjectModules(importlib.abc.MetaPathFinder):
    """Top-level names of a project's own modules (``settings``, ``shared_out``, apps), as oTree
    finds them on ``sys.path``, resolved to the project package's submodules."""

    def __init__(self, folder: Path, package: str) -> None:
        self.folder = folder
        self.package = package

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if "." in fullname or fullname in sys.builtin_module_names or fullname in sys.stdlib_module_names:
            return None
        if not ((self.folder / f"{fullname}.py").is_file() or (self.folder / fullname / "__init__.py").is_file()):
            return None
        return importlib.machinery.ModuleSpec(fullname, pyfile.AliasLoader(f"{self.package}.{fullname}"))


_finders: dict[Path, _ProjectModules] = {}


def project_package(folder: Path) -> str:
    """Import ``folder`` as a namespace-like package (once) and return its unique name."""
    package = pyfile.module_name("otree_project", folder / SETTINGS)
    if package not in sys.modules:
        spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        sys.modules[package] = importlib.util.module_from_spec(spec)
    if folder not in _finders:
        _finders[folder] = _ProjectModules(folder, package)
        sys.meta_path.append(_finders[folder])
    return package


def _import(package: str, name: str, folder: Path) -> ModuleType:
    try:
        return importlib.import_module(f"{package}.{name}")
    except ConfigError:
        raise
    except Exception as exc:
        where = folder / (name.replace(".", "/") + ".py")
        raise ConfigError(f"{where}: importing it raised {type(exc).__name__}: {exc}") from exc


def is_noself(app_folder: Path) -> bool:
    """oTree's ``is_noself``: the app's ``__init__.py`` imports something (oTree 5+ single-module app)."""
    init = app_folder / "__init__.py"
    try:
        return init.is_file() and "import" in init.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def read_app(package: str, folder: Path, name: str) -> App:
    """One app's URL name, group size, rounds, pages and doc, from its own modules."""
    app_folder = folder / name
    if not app_folder.is_dir():
        raise ConfigError(f"{folder / SETTINGS}: app_sequence names {name!r}, but the project has no folder {name}/")
    if is_noself(app_folder):
        models = pages = _import(package, name, folder)
    else:
        models = _import(package, f"{name}.models", folder)
        pages = _import(package, f"{name}.pages", folder)
    constants = getattr(models, "Constants", None) or getattr(models, "C", None)
    if constants is None:
        raise ConfigError(f"{app_folder}: defines no C (or Constants) class")
    upper = constants.__name__ == "C"

    def constant(attr: str, default: Any) -> Any:
        return getattr(constants, attr.upper() if upper else attr, default)

    where = f"{app_folder}: {constants.__name__}"
    size = constant("players_per_group", None)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise ConfigError(f"{where}.{'PLAYERS_PER_GROUP' if upper else 'players_per_group'} must be an integer or None, got {size!r}")
    rounds = constant("num_rounds", 1)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ConfigError(f"{where}.{'NUM_ROUNDS' if upper else 'num_rounds'} must be an integer >= 1, got {rounds!r}")
    name_in_url = constant("name_in_url", name)
    sequence = getattr(pages, "page_sequence", None)
    if not isinstance(sequence, (list, tuple)) or not all(isinstance(p, type) for p in sequence):
        raise ConfigError(f"{app_folder}: page_sequence must be a list of page classes, got {sequence!r}")
    doc = getattr(models, "doc", "")
    return App(
        name=name,
        name_in_url=str(name_in_url),
        players_per_group=size or None,
        num_rounds=rounds,
        pages=tuple(p.__name__ for p in sequence),
        doc=doc if isinstance(doc, str) else "",
    )


def load_project(folder: Path) -> tuple[ModuleType, StudySettings]:
    """Import the oTree project at ``folder``; its settings module and study settings.

    The ``otree`` names resolve to simlab while the project is imported
    (``finder.resolving``): the apps keep simlab's objects, and a real ``otree``
    (or anything else by that name) is back afterwards.  Raises ConfigError
    naming the file and the problem.
    """
    with finder.resolving():
        return _load_project(folder.resolve())


def _load_project(folder: Path) -> tuple[ModuleType, StudySettings]:
    package = project_package(folder)
    settings = _import(package, "settings", folder)
    namespace = dict(vars(settings))
    if (folder / "shared_out.py").is_file() and "mock_exogenous_data" not in namespace:
        # oTree: `import shared_out as user_utils` for mock_exogenous_data (otree/models/session.py)
        shared = _import(package, "shared_out", folder)
        if hasattr(shared, "mock_exogenous_data"):
            namespace["mock_exogenous_data"] = shared.mock_exogenous_data
    configs = namespace.get("SESSION_CONFIGS", [])
    names: dict[str, None] = {}
    if isinstance(configs, (list, tuple)):
        for config in configs:
            if isinstance(config, dict) and isinstance(config.get("app_sequence"), (list, tuple)):
                names.update(dict.fromkeys(a for a in config["app_sequence"] if isinstance(a, str)))
    apps = {name: read_app(package, folder, name) for name in names}
    try:
        study = StudySettings.from_namespace(namespace, folder, apps=apps, project=True)
    except ConfigError as exc:
        raise ConfigError(f"{folder / SETTINGS}: {exc}") from None
    return settings, study
