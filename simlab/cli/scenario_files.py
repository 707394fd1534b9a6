"""Scenario files for the command: the examples shipped in the package, and new ones.

The example scenarios live in the repository's top-level ``scenarios/`` folder and
install as ``simlab.scenarios`` (see setup.py), so ``simlab scenario run quickstart``
finds them after a plain ``pip install``; a path always wins over a name.
"""

from __future__ import annotations

import ast
import re
import keyword
from importlib import resources
from pathlib import Path

from .scenario_template import TEMPLATE


def examples() -> dict[str, Path]:
    """The shipped example scenarios, by name."""
    folder = Path(str(resources.files("simlab.scenarios")))
    return {p.stem: p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")}


def summary(path: Path) -> str:
    """The first line of a scenario file's docstring (read without importing it)."""
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, ValueError):
        return ""
    return plain_text(doc.strip().splitlines()[0]) if doc.strip() else ""


def plain_text(rst: str) -> str:
    """A docstring line without reStructuredText markup (``code``, :role:`target`), for a terminal."""
    text = re.sub(r":[\w:.-]+:`([^`]+)`", r"\1", rst)
    return re.sub(r"`{1,2}([^`]+)`{1,2}", r"\1", text)


def resolve(spec: str) -> Path | None:
    """A scenario path for ``spec``: an existing file, else a shipped example's name; None if neither."""
    path = Path(spec)
    if path.is_file():
        return path
    if path.suffix == "" and len(path.parts) == 1:
        return examples().get(spec)
    return None


def new_scenario(name: str, directory: Path) -> Path:
    """Write ``<directory>/<name>.py`` from the template; refuse to overwrite or to use a bad name."""
    stem = name[:-3] if name.endswith(".py") else name
    if not stem.isidentifier() or keyword.iskeyword(stem):
        raise ValueError(f"scenario name {name!r} must be a Python identifier (letters, digits, underscores)")
    target = directory / f"{stem}.py"
    if target.exists():
        raise FileExistsError(f"{target} already exists; not overwriting it")
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.replace("NAME", stem), encoding="utf-8")
    return target
