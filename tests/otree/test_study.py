"""Study settings: read from the study file, validated at start with messages naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simlab.domain.otree import StudySettings
from simlab.errors import ConfigError
from simlab.sources import load_source

from .conftest import study_namespace

ROOT = Path(__file__).resolve().parents[2]


def test_configs_get_defaults_and_rooms_get_labels(study: StudySettings, tmp_path: Path) -> None:
    trio = study.session_config("trio")
    assert trio is not None
    assert trio["real_world_currency_per_point"] == 0.5 and trio["participation_fee"] == 3.0
    assert trio["num_apples"] == 10 and trio["display_name"] == "Groups of three"
    solo = study.session_config("solo")
    assert solo is not None and solo["display_name"] == "solo" and solo["doc"] == "one at a time"
    lab = study.room("lab")
    assert lab is not None
    # whitespace-separated, duplicates dropped, file order kept; path resolved against the study folder
    assert lab.labels == ("alice", "bob", "carol", "dave")
    assert lab.participant_label_file == (tmp_path / "labels.txt").resolve()
    assert lab.accepts("carol") and not lab.accepts("mallory")
    open_room = study.room("open")
    assert open_room is not None and open_room.labels is None and open_room.accepts("anyone")
    assert study.real_world_currency_code == "EUR"
    assert study.app_names() == ["bargain", "survey"]


def test_session_config_is_a_fresh_copy(study: StudySettings) -> None:
    first = study.session_config("trio")
    assert first is not None
    first["app_sequence"].append("x")
    again = study.session_config("trio")
    assert again is not None and again["app_sequence"] == ["bargain", "survey"]


def test_empty_namespace_gives_empty_settings(tmp_path: Path) -> None:
    study = StudySettings.from_namespace({}, tmp_path)
    assert study.session_configs == () and study.rooms == () and study.real_world_currency_code == "USD"


def _with(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    ns = study_namespace(tmp_path)
    ns.update(changes)
    return ns


def _config(**fields: Any) -> list[dict[str, Any]]:
    return [{"name": "c", **fields}]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SESSION_CONFIGS": {"name": "x"}}, "SESSION_CONFIGS must be a list of dicts, got dict"),
        ({"SESSION_CONFIGS": ["x"]}, "SESSION_CONFIGS[0] must be a dict, got str"),
        ({"SESSION_CONFIGS": [{"display_name": "x"}]}, "SESSION_CONFIGS[0]: 'name' is required"),
        ({"SESSION_CONFIGS": [{"name": "has space"}]}, "only letters, digits and underscores, got 'has space'"),
        ({"SESSION_CONFIGS": _config() + _config()}, "SESSION_CONFIGS[1] ('c'): duplicate name 'c'"),
        ({"SESSION_CONFIGS": _config(players_per_group=0)}, "SESSION_CONFIGS[0] ('c'): players_per_group must be an integer >= 1 or None, got 0"),
        ({"SESSION_CONFIGS": _config(players_per_group=True)}, "players_per_group must be an integer >= 1 or None, got True"),
        ({"SESSION_CONFIGS": _config(num_demo_participants="3")}, "num_demo_participants must be an integer >= 1, got '3'"),
        ({"SESSION_CONFIGS": _config(num_demo_participants=4, players_per_group=3)}, "num_demo_participants (4) is not a multiple of players_per_group (3)"),
        ({"SESSION_CONFIGS": _config(app_sequence="survey")}, "app_sequence must be a list of app names (strings), got 'survey'"),
        ({"SESSION_CONFIGS": _config(real_world_currency_per_point="1")}, "real_world_currency_per_point must be a number, got '1'"),
        ({"SESSION_CONFIGS": _config(mock_exogenous_data="yes")}, "mock_exogenous_data must be True or False, got 'yes'"),
        ({"SESSION_CONFIGS": _config(mock_exogenous_data=True), "mock_exogenous_data": None}, "mock_exogenous_data=True but the study file defines no function"),
        ({"mock_exogenous_data": 3}, "mock_exogenous_data must be a function"),
        ({"SESSION_CONFIG_DEFAULTS": [1]}, "SESSION_CONFIG_DEFAULTS must be a dict, got list"),
        ({"REAL_WORLD_CURRENCY_CODE": 5}, "REAL_WORLD_CURRENCY_CODE must be a non-empty string"),
        ({"ROOMS": [{"name": "r", "participant_label_file": "missing.txt"}]}, "ROOMS[0] ('r'): participant_label_file"),
        ({"ROOMS": [{"name": "r"}, {"name": "r"}]}, "ROOMS[1] ('r'): duplicate name 'r'"),
        ({"ROOMS": [{"name": "r", "use_secure_urls": True}]}, "use_secure_urls=True needs a participant_label_file"),
        ({"ROOMS": [{"name": "r/x"}]}, "ROOMS[0]: 'name' is required and must contain only letters"),
    ],
)
def test_invalid_settings_name_the_key(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        StudySettings.from_namespace(_with(tmp_path, **changes), tmp_path)
    assert message in str(info.value)


def test_label_files_hold_one_label_per_line_as_in_otree(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("  P1 \n\nP2\nP1\n", encoding="utf-8")
    ns = _with(tmp_path, ROOMS=[{"name": "r", "participant_label_file": "one.txt"}])
    assert StudySettings.from_namespace(ns, tmp_path).room("r").labels == ("P1", "P2")
    (tmp_path / "row.txt").write_text("P1 P2 P3 P4\n", encoding="utf-8")
    ns = _with(tmp_path, ROOMS=[{"name": "r", "participant_label_file": "row.txt"}])
    with pytest.raises(ConfigError, match=r"line 1: label 'P1 P2 P3 P4' may contain only .* \(one label per line\)"):
        StudySettings.from_namespace(ns, tmp_path)


def test_bad_label_file_names_file_line_and_label(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("ok1\nbad-label\n", encoding="utf-8")
    ns = _with(tmp_path, ROOMS=[{"name": "r", "participant_label_file": "bad.txt"}])
    with pytest.raises(ConfigError, match=r"bad\.txt', line 2: label 'bad-label' may contain only letters"):
        StudySettings.from_namespace(ns, tmp_path)
    (tmp_path / "empty.txt").write_text("\n  \n", encoding="utf-8")
    ns = _with(tmp_path, ROOMS=[{"name": "r", "participant_label_file": "empty.txt"}])
    with pytest.raises(ConfigError, match="contains no labels"):
        StudySettings.from_namespace(ns, tmp_path)


def test_experiment_file_loader_reads_the_study() -> None:
    loaded = load_source(ROOT / "examples" / "study" / "study.py")
    study = loaded.study
    assert [c["name"] for c in study.session_configs] == ["transmission", "survey"]
    room = study.room("lab")
    assert room is not None and room.labels is not None and "P1" in room.labels
    assert study.mock_exogenous_data is not None and study.real_world_currency_code == "EUR"


def test_experiment_file_with_bad_study_fails_at_load(tmp_path: Path) -> None:
    path = tmp_path / "exp.py"
    path.write_text(
        "from simlab import Experiment\n"
        "class E(Experiment):\n    pass\n"
        "SESSION_CONFIGS = [dict(name='a', players_per_group=-1)]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"SESSION_CONFIGS\[0\] \('a'\): players_per_group"):
        load_source(path)
