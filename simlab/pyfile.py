"""Import a user's Python file (experiment, study, scenario) by path, without ``sys.path``.

Each file is imported once, under a name derived from its absolute path
(``simlab_user_scenario_quickstart_1a2b3c4d``), so two files called
``experiment.py`` never collide with each other or with an installed module, and
the server and the bot engine that load the same file share its classes.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import ConfigError


def module_name(kind: str, path: Path) -> str:
    tag = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    stem = "".join(c if c.isalnum() else "_" for c in path.stem)
    return f"simlab_user_{kind}_{stem}_{tag}"


def import_path(path: str | Path, kind: str = "module", error: type[Exception] = ConfigError) -> ModuleType:
    """Import the Python file at ``path`` under a unique name (once) and return the module.

    A missing or non-Python file raises ``error``; what the file itself raises propagates.
    """
    file = Path(path).resolve()
    if not file.is_file():
        raise error(f"{kind} file {str(path)!r} does not exist")
    name = module_name(kind, file)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise error(f"{kind} file {str(path)!r} is not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


class AliasLoader(importlib.abc.Loader):
    """Loads a module name as an existing module (imported by its own name), one object under two names.

    The import system sets the alias's spec on the module it creates; ``exec_module``
    puts the module's own spec back, so the module keeps its real identity.
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self._spec: Any = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec


class AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``prefix`` and its submodules as aliases of the same names under ``target``.

    How simlab's stand-ins for an ecosystem's package (``dallinger``, ``otree``) are found
    while an experiment or project is imported: one module object per file, loaded by
    :class:`AliasLoader`.
    """

    def __init__(self, prefix: str, target: str) -> None:
        self.prefix, self.target = prefix, target

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.prefix and not fullname.startswith(self.prefix + "."):
            return None
        real = self.target + fullname[len(self.prefix) :]
        if importlib.util.find_spec(real) is None:
            return None
        is_package = hasattr(importlib.import_module(real), "__path__")
        return importlib.machinery.ModuleSpec(fullname, AliasLoader(real), is_package=is_package)
