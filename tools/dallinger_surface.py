"""Extract the ``dallinger`` names experiments import, per release, from the real packages.

Not run by the tests (they read its committed output).  Usage::

    pip download dallinger==12.4.0 --no-deps -d DIR/12.4.0   # one folder per release
    # releases PyPI has as sdists only (3.x-6.x, whose metadata no longer builds):
    git -C Dallinger archive --format=tar.gz --prefix=dallinger-6.6.0/ v6.6.0 dallinger > DIR/6.6.0/dallinger-6.6.0.tar.gz
    python tools/dallinger_surface.py DIR > simlab/compat/dallinger_surface.json
    python tools/dallinger_surface.py --readme README.md       # regenerate the README's table

``DIR/<release>/`` holds that release's wheel (or sdist).  Each module of
``MODULES`` is parsed with ``ast`` (nothing is imported): its public names are
the top-level classes, functions and assignments, ``__all__``, and what it
imports from ``dallinger`` itself (re-exports experiments import from it);
names it imports from other packages are not its surface.  ``config`` also
gives every key of ``default_keys`` with its type and synonyms.
"""

from __future__ import annotations

import ast
import json
import sys
import tarfile
import zipfile
from pathlib import Path

#: The modules experiment code imports (and what ``import dallinger`` exposes).
MODULES = (
    "dallinger",
    "dallinger.bots",
    "dallinger.command_line",
    "dallinger.config",
    "dallinger.db",
    "dallinger.experiment",
    "dallinger.experiment_server",
    "dallinger.experiment_server.dashboard",
    "dallinger.experiment_server.utils",
    "dallinger.experiments",
    "dallinger.heroku",
    "dallinger.information",
    "dallinger.models",
    "dallinger.networks",
    "dallinger.nodes",
    "dallinger.processes",
    "dallinger.recruiters",
    "dallinger.registration",
    "dallinger.transformations",
    "dallinger.utils",
)

TYPE_NAMES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "bytes": "bytes",
              "six.text_type": "str", "unicode": "str", "text_type": "str"}


def read_sources(archive: Path) -> dict[str, str]:
    """``{module name: source}`` for every ``dallinger/**.py`` of a wheel or sdist."""
    files: dict[str, str] = {}
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if name.startswith("dallinger/") and name.endswith(".py"):
                    files[name] = zf.read(name).decode("utf-8")
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                parts = member.name.split("/", 1)
                if len(parts) == 2 and parts[1].startswith("dallinger/") and parts[1].endswith(".py"):
                    data = tf.extractfile(member)
                    if data is not None:
                        files[parts[1]] = data.read().decode("utf-8")
    modules = {}
    for name, text in files.items():
        dotted = name[: -len(".py")].replace("/", ".")
        modules[dotted.removesuffix(".__init__")] = text
    return modules


def _top_statements(body: list[ast.stmt]):
    """Top-level statements, looking inside ``if``/``try`` blocks (conditional definitions)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _top_statements(node.body)
            yield from _top_statements(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_statements(node.body)
            for handler in node.handlers:
                yield from _top_statements(handler.body)
            yield from _top_statements(node.orelse)
        else:
            yield node


def _is_dallinger_import(node: ast.ImportFrom) -> bool:
    return node.level > 0 or (node.module or "").split(".")[0] == "dallinger"


def public_names(source: str) -> dict[str, str]:
    """``{name: kind}`` for the public top-level names of a module."""
    tree = ast.parse(source)
    names: dict[str, str] = {}

    def add(name: str, kind: str) -> None:
        if not name.startswith("_"):
            names.setdefault(name, kind)

    for node in _top_statements(tree.body):
        if isinstance(node, ast.ClassDef):
            add(node.name, "class")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node.name, "function")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        add(leaf.id, "value")
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                if isinstance(node.value, (ast.Tuple, ast.List)):
                    for elt in node.value.elts:
                        if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                            add(elt.value, "value")
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            add(node.target.id, "value")
        elif isinstance(node, ast.ImportFrom) and _is_dallinger_import(node):
            for alias in node.names:
                if alias.name != "*":
                    add(alias.asname or alias.name, "module" if node.module is None else "reexport")
    return names


def _type_name(node: ast.expr) -> str:
    return TYPE_NAMES.get(ast.unparse(node), ast.unparse(node))


def config_keys(source: str) -> dict[str, dict]:
    """Every registration of ``default_keys``: ``{key: {"type": ..., "synonyms": [...]}}``."""
    tree = ast.parse(source)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "default_keys" for t in node.targets)
            and isinstance(node.value, (ast.Tuple, ast.List))
        ):
            keys = {}
            for entry in node.value.elts:
                if not isinstance(entry, ast.Tuple) or len(entry.elts) < 2:
                    continue
                key = ast.literal_eval(entry.elts[0])
                synonyms = ast.literal_eval(entry.elts[2]) if len(entry.elts) > 2 else []
                keys[key] = {"type": _type_name(entry.elts[1]), "synonyms": sorted(synonyms)}
            return keys
    raise ValueError("config.py has no default_keys")


def release_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def main(root: Path) -> dict:
    releases = sorted((p.name for p in root.iterdir() if p.is_dir()), key=release_key)
    modules: dict[str, dict[str, dict]] = {}
    config: dict[str, dict] = {}
    unparsed: dict[str, list[str]] = {}
    for release in releases:
        archives = sorted((root / release).glob("dallinger-*"))
        if not archives:
            continue
        sources = read_sources(archives[0])
        for module in MODULES:
            source = sources.get(module)
            if source is None:
                continue
            try:
                found = public_names(source)
            except SyntaxError:  # Python 2 code of old releases: no Python 3 experiment imports it
                unparsed.setdefault(release, []).append(module)
                continue
            entry = modules.setdefault(module, {})
            for name, kind in found.items():
                row = entry.setdefault(name, {"kind": kind, "releases": []})
                row["kind"] = kind
                row["releases"].append(release)
        for key, spec in config_keys(sources["dallinger.config"]).items():
            row = config.setdefault(key, {"type": spec["type"], "synonyms": [], "releases": []})
            row["type"] = spec["type"]
            row["synonyms"] = sorted(set(row["synonyms"]) | set(spec["synonyms"]))
            row["releases"].append(release)
    return {
        "releases": releases,
        "modules": {m: dict(sorted(names.items())) for m, names in sorted(modules.items())},
        "config_keys": dict(sorted(config.items())),
        "unparsed": unparsed,
    }


def write_readme_table(readme: Path) -> None:
    """Replace the README's generated table (between its markers) with the committed surface's."""
    from simlab.compat.surface import TABLE_BEGIN, TABLE_END, readme_table

    text = readme.read_text(encoding="utf-8")
    start, end = text.index(TABLE_BEGIN), text.index(TABLE_END) + len(TABLE_END)
    readme.write_text(text[:start] + readme_table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "--readme":
        write_readme_table(Path(sys.argv[2]))
    else:
        json.dump(main(Path(sys.argv[1])), sys.stdout, indent=1, sort_keys=False)
        sys.stdout.write("\n")
