"""Every name of every extracted Dallinger release resolves while simlab serves, or is absent on purpose."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simlab import compat
from simlab.compat import surface
from simlab.compat.surface import AbsentName, describe_import_error, missing_message
from simlab.domain.config import KEY_TYPES, SYNONYMS, Config

ROOT = Path(__file__).resolve().parents[3]
DATA = surface.surface()
NAMES = [(module, name) for module, names in DATA["modules"].items() for name in names]


@pytest.fixture(name="finder")
def _finder() -> Iterator[None]:
    """simlab's ``dallinger`` finder, as it is while an experiment is served."""
    was_installed = compat.installed()
    compat.install()
    yield
    if not was_installed:
        compat.uninstall()


def test_the_surface_covers_the_supported_releases() -> None:
    assert {"9.12.0", "10.3.3", "11.4.0", "11.5.7", "12.4.0"} <= set(DATA["releases"])
    assert len(NAMES) > 400  # what the extraction found; a broken extraction finds far fewer
    assert DATA["modules"]["dallinger.experiments"]["Experiment"]["releases"] == DATA["releases"]
    assert DATA["config_keys"]["mturk_qualification_blocklist"]["synonyms"] == ["qualification_blacklist"]


@pytest.mark.parametrize("module", sorted(DATA["modules"]))
def test_every_module_imports_or_is_deliberately_absent(finder: None, module: str) -> None:
    reason = surface.absent_reason(module)
    if reason is None:
        assert importlib.import_module(module).__name__.startswith("simlab.compat.dallinger")
    else:
        with pytest.raises(ImportError) as err:
            importlib.import_module(module)
        assert describe_import_error(err.value) == missing_message(module)


def test_every_name_resolves_or_explains_itself(finder: None) -> None:
    """The failing test when a name of a release stops resolving (or resolves to nothing it should)."""
    unresolved = []
    for module, name in NAMES:
        if surface.absent_reason(module) is not None:
            continue
        target = importlib.import_module(module)
        reason = surface.absent_reason(module, name)
        if reason is None:
            try:
                getattr(target, name)
            except AttributeError as exc:
                unresolved.append(f"{module}.{name}: {exc}")
        else:
            with pytest.raises(AbsentName) as err:
                getattr(target, name)
            assert str(err.value) == missing_message(module, name)
            assert "\n" not in str(err.value) and reason in str(err.value)
    assert not unresolved, "\n".join(unresolved)


def test_absent_lists_name_only_real_names() -> None:
    for module, names in surface.ABSENT_NAMES.items():
        stale = sorted(set(names) - set(DATA["modules"].get(module, {})))
        assert not stale, f"{module}: {stale} are in no extracted release"
    assert set(surface.ABSENT_MODULES) <= set(DATA["modules"])


def test_import_dallinger_gives_its_subpackages_as_attributes(finder: None) -> None:
    import dallinger

    assert dallinger.config.get_config is importlib.import_module("dallinger.config").get_config
    assert dallinger.experiments.Experiment is importlib.import_module("simlab").Experiment
    assert dallinger.db.session is importlib.import_module("dallinger.db").session
    assert dallinger.processes.random_walk
    with pytest.raises(AttributeError, match=r"^dallinger.heroku is deliberately absent: deployment tooling"):
        dallinger.heroku


def test_missing_names_are_one_line_naming_module_name_and_releases(finder: None) -> None:
    with pytest.raises(ImportError) as err:
        exec("from dallinger.db import engine", {})
    line = describe_import_error(err.value)
    assert line == (
        "dallinger.db.engine is deliberately absent: " + surface.SQL + " (Dallinger 3.4.1–12.4.0 have it)"
    )
    with pytest.raises(ImportError) as err:
        exec("from dallinger.nodes import Nobody", {})
    assert describe_import_error(err.value) == (
        "dallinger.nodes.Nobody is not provided by simlab (no Dallinger release 3.4.1–12.4.0 has it)"
    )
    with pytest.raises(ModuleNotFoundError) as err:
        exec("import dallinger.command_line", {})
    assert describe_import_error(err.value).startswith("dallinger.command_line is deliberately absent: deployment")
    with pytest.raises(ModuleNotFoundError) as err:
        exec("import numpy_that_is_not_there", {})
    assert describe_import_error(err.value) is None  # not a dallinger name: the loader's usual message


def test_config_keys_of_every_release_are_accepted_with_their_type_and_synonyms() -> None:
    samples = {"str": "text", "int": "3", "float": "1.5", "bool": "true"}
    for key, row in DATA["config_keys"].items():
        canonical = SYNONYMS.get(key, key)  # 3.x-5.x keys that later became a newer key's synonyms
        assert KEY_TYPES[canonical].__name__ == row["type"], key
        sample = '["/launch"]' if key == "protected_routes" else samples[row["type"]]  # a JSON list, as Dallinger reads it
        config = Config({key: sample})
        assert config.get(canonical) == Config({canonical: sample}).get(canonical)
        for synonym in row["synonyms"]:
            assert SYNONYMS[synonym] == key
            assert Config({synonym: sample}).get(key) == config.get(key)


def test_the_readme_table_is_the_data() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(surface.TABLE_BEGIN)
    end = readme.index(surface.TABLE_END) + len(surface.TABLE_END)
    assert readme[start:end] == surface.readme_table(), "run: python tools/dallinger_surface.py --readme README.md"


def _generator():
    spec = importlib.util.spec_from_file_location("dallinger_surface_tool", ROOT / "tools" / "dallinger_surface.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_reads_public_names_and_registrations() -> None:
    tool = _generator()
    names = tool.public_names(
        "import os\nfrom sqlalchemy import Column\nfrom .models import Info as I\n"
        "try:\n    from dallinger.db import session\nexcept ImportError:\n    pass\n"
        "class A: pass\ndef f(): pass\n_hidden = 1\nX, Y = 1, 2\n__all__ = ['A', 'late']\n"
    )
    assert names == {"I": "reexport", "session": "reexport", "A": "class", "f": "function", "X": "value",
                     "Y": "value", "late": "value"}
    keys = tool.config_keys("default_keys = (\n ('a', six.text_type, []),\n ('b', int, ['B', 'bee'], True),\n)\n")
    assert keys == {"a": {"type": "str", "synonyms": []}, "b": {"type": "int", "synonyms": ["B", "bee"]}}
    assert json.loads((ROOT / "simlab" / "compat" / "dallinger_surface.json").read_text())["releases"] == DATA["releases"]
