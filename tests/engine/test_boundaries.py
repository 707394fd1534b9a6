"""The layout's rules, read from the source: the engine is only a client; one module builds the app."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "simlab"
ENGINE_FILES = sorted((PACKAGE / "engine").rglob("*.py"))
AUTHOR_FILES = sorted((ROOT / "bots").glob("*.py")) + sorted((ROOT / "scenarios").glob("*.py"))
#: What of simlab the engine may import: itself and the leaf modules every side shares.
ENGINE_MAY_IMPORT = ("simlab.engine", "simlab.errors", "simlab._version", "simlab.pyfile", "simlab.asgi")
#: Third-party libraries of the engine: httpx, trio, rich; faker (personas) and dask (sharding, optional).
ENGINE_THIRD_PARTY = {"httpx", "trio", "rich", "faker", "distributed", "dask"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, relative imports resolved, at any depth (lazy ones included)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base in ("simlab", "simlab.bots"):  # the names imported are what counts
                found.extend(f"{base}.{alias.name}" for alias in node.names)
            else:
                found.append(base)
    return found


def calls(path: Path, name: str) -> bool:
    """Whether ``path`` calls a function spelled ``name`` or ``<x>.name``."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == name) or (isinstance(func, ast.Attribute) and func.attr == name):
                return True
    return False


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_engine_imports_nothing_of_the_server(path: Path) -> None:
    for module in imported_modules(path):
        top = module.split(".")[0]
        if top == "simlab":
            assert module.startswith(ENGINE_MAY_IMPORT), f"{path.relative_to(ROOT)} imports {module}"
        else:
            assert top in sys.stdlib_module_names or top in ENGINE_THIRD_PARTY, f"{path.relative_to(ROOT)} imports {module}"


@pytest.mark.parametrize("path", AUTHOR_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scenarios_and_bots_import_only_simlab_and_simlab_bots(path: Path) -> None:
    for module in imported_modules(path):
        if module.split(".")[0] != "simlab":
            continue
        assert module in ("simlab", "simlab.bots") or module.startswith("simlab.bots.") or module in _public_names(), (
            f"{path.relative_to(ROOT)} imports {module}"
        )


def _public_names() -> set[str]:
    import simlab

    return {f"simlab.{name}" for name in simlab.__all__}


def test_create_app_is_called_from_one_module_outside_web() -> None:
    callers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "web" != path.relative_to(PACKAGE).parts[0] and calls(path, "create_app")
    }
    assert callers == {"server/build.py"}


def test_one_module_changes_directory_and_one_finds_a_free_port() -> None:
    assert {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if calls(p, "chdir")} == {"server/build.py"}
    defined = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name == "free_port"
    }
    assert defined == {"server/serving.py"}


def test_only_runs_imports_both_the_server_and_the_engine() -> None:
    server_side = ("simlab.server", "simlab.web", "simlab.sources")
    both = set()
    for path in PACKAGE.rglob("*.py"):
        top = path.relative_to(PACKAGE).parts[0]
        modules = imported_modules(path)
        if any(m.startswith("simlab.engine") for m in modules) and any(m.startswith(server_side) for m in modules):
            both.add(top)
    assert "runs" in both and both <= {"runs", "cli", "bench"}, both


def test_the_package_root_holds_at_most_seven_modules() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 7, modules
