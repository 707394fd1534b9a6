"""Import scenario files by path, under unique module names (experiments: ``simlab.sources``).

Scenario scripts are user files, not installed packages.  Each is imported under a
name derived from its absolute path (``simlab_user_scenario_quickstart_1a2b3c4d``),
so two files called ``quickstart.py`` never collide with each other or with an
installed module, and ``sys.path`` is never changed.

A project keeps its ready bot behaviours in a ``bots/`` package next to
``scenarios/`` (or next to the scenario file).  So that ``from bots.dallinger_participant import ...`` works in a
scenario without installing anything, the loader registers that sibling package
under the name ``bots`` (by file location, like any other import) unless a ``bots``
module is already importable.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .. import pyfile
from .scenario import Scenario
from ..errors import LoadError


def import_path(path: str | Path, kind: str = "module") -> ModuleType:
    """Import the Python file at ``path`` under a unique name and return the module."""
    return pyfile.import_path(path, kind, error=LoadError)


def register_sibling_package(directory: Path, name: str) -> bool:
    """Make ``directory/<name>/__init__.py`` importable as ``name`` unless ``name`` already is.

    Returns True when the package is (now) importable from that directory.
    """
    init = directory / name / "__init__.py"
    if name in sys.modules:
        return True
    if not init.is_file():
        return False
    if importlib.util.find_spec(name) is not None:
        return True
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None:
        return False
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return True


def load_scenario(path: str | Path) -> Scenario:
    """Import a scenario file and return its :class:`Scenario`.

    The file must define ``scenario = Scenario(...)``, or hold exactly one
    ``Scenario`` instance at module level.
    """
    file = Path(path).resolve()
    for folder in (file.parent.parent, file.parent):
        if register_sibling_package(folder, "bots"):
            break
    module = import_path(file, "scenario")
    found = getattr(module, "scenario", None)
    if isinstance(found, Scenario):
        return found
    candidates = [v for v in vars(module).values() if isinstance(v, Scenario)]
    if len(candidates) != 1:
        raise LoadError(f"scenario file {str(path)!r} must define `scenario = Scenario(...)`; found {len(candidates)} Scenario objects")
    return candidates[0]
