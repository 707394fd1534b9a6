"""Bots are black-box HTTP clients: the engine and the shipped bots never import the server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

SERVER = ("simlab.store", "simlab.domain", "simlab.web")
FILES = sorted((ROOT / "simlab" / "engine").glob("*.py")) + sorted((ROOT / "bots").glob("*.py"))


def imported_modules(path: Path) -> list[tuple[str, str | None]]:
    """Return (module, enclosing function) for every import in ``path``."""
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, func: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, func) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = "simlab.engine." + base if base else "simlab.engine"
                found.append((base, func))
                if base == "simlab":
                    found.extend((f"simlab.{alias.name}", func) for alias in child.names)
            visit(child, func)

    visit(ast.parse(path.read_text()), None)
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_server_imports(path: Path) -> None:
    for module, func in imported_modules(path):
        if module.startswith(SERVER) or module in ("simlab.Experiment", "simlab.Settings"):
            # inprocess.py wires the in-process app for a run, lazily (inside functions)
            assert path.name == "inprocess.py" and func is not None, f"{path.name} imports {module} in {func}"
