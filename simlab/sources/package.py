"""Import a Dallinger experiment folder as a package, the way Dallinger imports it.

Dallinger imports the experiment's folder as a package (``dallinger_experiment``),
so ``from . import models`` works in experiment.py; it also runs from the folder,
so a plain ``import models`` finds the sibling file.  simlab imports the folder
under a name unique to its path (two folders never collide), and lets a plain
``import models`` resolve to the same module object, one object per file.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import pyfile
from ..errors import SourceError

_IMPORTS_DALLINGER = re.compile(r"^\s*(from|import)\s+dallinger\b", re.MULTILINE)


def imports_dallinger(path: Path) -> bool:
    """Whether the Python file at ``path`` imports ``dallinger`` (so it needs the compatibility layer)."""
    try:
        return bool(_IMPORTS_DALLINGER.search(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


class _SiblingFinder(importlib.abc.MetaPathFinder):
    """Top-level names of the served folder's modules, as the folder's package submodules."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.package = ""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if self.folder is None or "." in fullname or fullname in sys.builtin_module_names:
            return None
        if not ((self.folder / f"{fullname}.py").is_file() or (self.folder / fullname / "__init__.py").is_file()):
            return None
        return importlib.machinery.ModuleSpec(fullname, pyfile.AliasLoader(f"{self.package}.{fullname}"))


_siblings = _SiblingFinder()


def import_experiment_package(folder: Path) -> ModuleType:
    """Import ``folder`` as a package and return its ``experiment`` module (imported once)."""
    folder = folder.resolve()
    package = pyfile.module_name("experiment_package", folder / "__init__.py")
    if package not in sys.modules:
        init = folder / "__init__.py"
        if init.is_file():
            spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[str(folder)])
        else:
            spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
            spec.submodule_search_locations = [str(folder)]
        if spec is None:
            raise SourceError(f"{folder}: cannot be imported as a package")
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        try:
            if spec.loader is not None:
                spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[package]
            raise
    _siblings.folder, _siblings.package = folder, package
    if _siblings not in sys.meta_path:
        sys.meta_path.append(_siblings)
    return importlib.import_module(f"{package}.experiment")
