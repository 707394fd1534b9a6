"""One loader, one rule for the Experiment class, one error type, whichever way the experiment runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simlab import Scenario, SimlabError
from simlab.errors import ConfigError, SourceError
from simlab.runs.inprocess import build_app
from simlab.sources import ExperimentSource, load_source, source_kind

TWO_LEVELS = """
from simlab import Experiment


class Base(Experiment):
    pass


class Mine(Base):
    pass
"""


def write(folder: Path, text: str, name: str = "exp.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_the_most_derived_class_is_the_experiment(tmp_path: Path) -> None:
    source = load_source(write(tmp_path, TWO_LEVELS))
    assert source.experiment_class.__name__ == "Mine"
    assert source.kind == "file" and source.working_dir is None and source.folder == tmp_path


def test_a_scenario_experiment_follows_the_same_rule(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_LEVELS)
    app = build_app(Scenario("s", populations=[], experiment=str(path)), seed=1)
    assert type(app.experiment).__name__ == "Mine"


def test_simlab_serve_follows_the_same_rule(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_LEVELS)
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(path), "--in-memory", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stdout is not None
        assert "serving Mine from" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "defines no subclass of simlab.Experiment"),
        (
            "from simlab import Experiment\nclass A(Experiment): pass\nclass B(Experiment): pass\n",
            "defines several experiments (A, B); keep one per file",
        ),
        ("raise RuntimeError('boom')\n", "importing it raised RuntimeError: boom"),
    ],
)
def test_every_failure_is_one_source_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_source(write(tmp_path, text))


def test_a_missing_path_and_a_bad_config_txt_are_source_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        load_source(tmp_path / "nothing.py")
    (tmp_path / "config.txt").write_text("[Parameters]\nbase_payment = lots\n")
    source = load_source(write(tmp_path, TWO_LEVELS))
    with pytest.raises(SourceError, match="base_payment = 'lots' is not a valid float"):
        source.make_config()


def test_source_error_is_a_config_error() -> None:
    assert issubclass(SourceError, ConfigError) and issubclass(SourceError, SimlabError)


def test_source_kind_has_one_branch_per_kind(tmp_path: Path) -> None:
    plain = write(tmp_path, TWO_LEVELS)
    folder = tmp_path / "dallinger_exp"
    folder.mkdir()
    write(folder, "from dallinger.experiment import Experiment\n", "experiment.py")
    assert source_kind(plain) == "file"
    assert source_kind(folder) == "dallinger"
    assert source_kind(folder / "experiment.py") == "dallinger"
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="needs an experiment.py"):
        source_kind(tmp_path / "empty")


def test_a_class_given_directly_is_a_source() -> None:
    from simlab import Experiment

    base = ExperimentSource.of_class()
    assert base.experiment_class is Experiment and base.path is None and base.name == "the base Experiment"
