"""An oTree project folder, unedited, served by simlab (``projects/lab_study``, as ``otree startproject``
writes one: settings.py from oTree's template, a room label file, shared_out.py, an oTree 5+ app and
an older models.py/pages.py app)."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Settings
from simlab.bots.otree_callers import Experimenter, ResultsReader, SurveyWebhook
from simlab.bots.otree_room import room_participant
from simlab.compat.otree import finder
from simlab.engine import Population, RunOptions, Scenario, constant
from simlab.runs.inprocess import run_scenario
from simlab.errors import ConfigError
from simlab.sources import load_source
from simlab.web import create_app

PROJECT = Path(__file__).parent / "projects" / "lab_study"
KEY = "lab-key"
AUTH = {"otree-rest-key": KEY}
BASE = "http://127.0.0.1:5000"


def app_for(folder: Path = PROJECT) -> Any:
    file = load_source(folder)
    settings = Settings(seed=5, otree_auth_level="STUDY", otree_rest_key=KEY)
    return create_app(file.experiment_class, settings=settings, config=file.config, folder=file.folder, study=file.study)


def test_reads_the_project_as_otree_does() -> None:
    from simlab.sources import source_kind

    source = load_source(PROJECT)
    assert source_kind(PROJECT) == "otree" and source.kind == "otree" and source.path == PROJECT / "settings.py"
    study = source.study
    assert study.is_project
    pgg, survey = study.apps["public_goods"], study.apps["survey"]
    assert (pgg.name_in_url, pgg.players_per_group, pgg.num_rounds) == ("pgg", 3, 2)
    assert pgg.pages == ("Contribute", "ResultsWaitPage", "Results")
    assert (survey.name_in_url, survey.players_per_group, survey.pages) == ("survey", None, ("Demographics", "Thanks"))
    assert survey.doc.strip() == "A short demographic survey."
    assert [c["name"] for c in study.session_configs] == ["public_goods", "survey_only"]
    assert study.group_size(study.session_configs[0]) == 3 and study.group_size(study.session_configs[1]) == 1
    assert study.session_configs[0]["participation_fee"] == 5.0  # oTree's RealWorldCurrency
    assert (study.participant_fields, study.session_fields) == (("finished", "treatment"), ("phase",))
    assert study.real_world_currency_code == "EUR" and "Public goods game" in study.demo_page_intro_html
    assert study.room("econ_lab").labels == ("PC01", "PC02", "PC03", "PC04", "PC05", "PC06")
    assert study.room("online").labels is None
    assert study.mock_exogenous_data is not None and study.mock_exogenous_data.__module__.endswith(".shared_out")


def test_otree_names_are_simlab_s_even_with_a_real_otree_installed(tmp_path: Path) -> None:
    """A real ``otree`` imported before is set aside while the project is imported, then put back."""
    real = types.ModuleType("otree")
    real.__path__ = []  # type: ignore[attr-defined]
    real_api = types.ModuleType("otree.api")
    saved = {n: sys.modules.pop(n) for n in list(sys.modules) if n == "otree" or n.startswith("otree.")}
    sys.modules.update({"otree": real, "otree.api": real_api})
    try:
        copy = tmp_path / "copy_of_lab_study"
        shutil.copytree(PROJECT, copy)
        file = load_source(copy)
        assert file.study.apps["public_goods"].players_per_group == 3
        from simlab.compat.otree.shim import api as shim_api

        package = sys.modules[file.module.__name__.rsplit(".", 1)[0] + ".public_goods"]
        assert package.BaseConstants is shim_api.BaseConstants and package.cu is shim_api.cu
        assert sys.modules["otree"] is real and sys.modules["otree.api"] is real_api
        assert not finder.installed()
    finally:
        for name in [n for n in sys.modules if n == "otree" or n.startswith("otree.")]:
            del sys.modules[name]
        sys.modules.update(saved)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: shutil.rmtree(p / "survey"), r"app_sequence names 'survey', but the project has no folder survey/"),
        (lambda p: (p / "public_goods" / "__init__.py").write_text("from otree.api import *\npage_sequence = []\n"),
         r"public_goods: defines no C \(or Constants\) class"),
        (lambda p: (p / "survey" / "pages.py").write_text("import nonexistent_module_xyz\n"),
         r"survey/pages\.py: importing it raised ModuleNotFoundError"),
        (lambda p: (p / "_rooms" / "econ_lab.txt").unlink(), r"participant_label_file .* cannot be read"),
    ],
)
def test_a_broken_project_is_one_clear_error(tmp_path: Path, edit: Any, message: str) -> None:
    copy = tmp_path / "broken"
    shutil.copytree(PROJECT, copy)
    edit(copy)
    with pytest.raises(ConfigError, match=message):
        load_source(copy)


async def test_serves_the_project_s_configs_groups_fields_and_pages() -> None:
    app = app_for()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        configs = (await client.get("/api/session_configs", headers=AUTH)).json()
        assert configs[0] == {
            "real_world_currency_per_point": 0.1, "participation_fee": 5.0, "doc": "", "name": "public_goods",
            "app_sequence": ["public_goods", "survey"], "num_demo_participants": 3, "display_name": "public_goods",
        }
        apps = (await client.get("/api/apps", headers=AUTH)).json()
        assert {k: v.strip() for k, v in apps.items()} == {
            "public_goods": "This is a one-period public goods game with 3 players.", "survey": "A short demographic survey.",
        }
        resp = await client.post("/api/sessions", json={"session_config_name": "public_goods", "num_participants": 4}, headers=AUTH)
        assert (resp.status_code, resp.text) == (400, "Session Config public_goods: Number of participants (4) is not a multiple of group size (3)")
        resp = await client.post("/api/sessions", json={"session_config_name": "public_goods", "num_participants": None}, headers=AUTH)
        assert resp.status_code == 200
        code = resp.json()["code"]
        detail = (await client.post(f"/api/get_session/{code}", headers=AUTH)).json()
        assert detail["num_participants"] == 3  # max(group size, 2)
        assert detail["participants"][0] == {
            "id_in_session": 1, "code": detail["participants"][0]["code"], "label": None,
            "payoff_in_real_world_currency": 0.0, "status": "", "finished": False,  # PARTICIPANT_FIELDS lists finished
        }
        first = detail["participants"][0]["code"]
        resp = await client.get(f"/InitializeParticipant/{first}", params={"participant_label": "lobby_1"})
        assert resp.status_code == 307 and resp.headers["location"] == f"/p/{first}/pgg/Contribute/1"
        page = await client.get(resp.headers["location"])
        assert page.status_code == 200 and 'data-app="public_goods"' in page.text and 'data-page="Contribute"' in page.text
        await client.post(f"/api/participant_vars/{first}", json={"vars": {"finished": True}}, headers=AUTH)
        detail = (await client.post(f"/api/get_session/{code}", headers=AUTH)).json()
        assert [(p["label"], p["finished"]) for p in detail["participants"]] == [("lobby_1", True), (None, False), (None, False)]


def test_room_bots_and_rest_callers_run_against_the_project() -> None:
    """simlab's REST callers and room bots, as a scenario whose experiment is the project folder."""
    labels = ["PC01", "PC02", "PC03"]
    scenario = Scenario(
        name="lab_study",
        experiment=PROJECT,
        settings={"otree_auth_level": "STUDY", "otree_rest_key": KEY},
        populations=[Population(room_participant, 3, rate=1.0, start=1.0,
                                options={"room": "econ_lab", "labels": labels, "poll": constant(0.5)})],
        callers=[
            Population(SurveyWebhook, 1, options={"room": "econ_lab", "labels": labels}),
            Population(Experimenter, 1, start=0.5, options={"config": "public_goods", "num_participants": 3,
                                                            "room": "econ_lab", "session_vars": [{"phase": "main"}],
                                                            "first_after": 2.0}),
            Population(ResultsReader, 1, start=8.0, options={"room": "econ_lab", "participant_vars": ["treatment"],
                                                             "session_vars": ["phase"], "reads": 1}),
        ],
        seed=2,
    )
    report = run_scenario(scenario, RunOptions(progress=False, snapshot=False))  # virtual clock
    assert report.passed, [r for r in (*report.checks, *report.thresholds) if not r.passed]
    arrivals = [v for entries in report.observations.values() for k, v in entries if k == "arrived"]
    assert sorted(a["label"] for a in arrivals) == labels
    assert {(a["app"], a["page"]) for a in arrivals} == {("pgg", "Contribute")}
    assert all(a["participant_id"] is None and a["code"] for a in arrivals)
