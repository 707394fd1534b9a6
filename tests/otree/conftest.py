"""Fixtures for the oTree API tests: a study, an app on its own store, an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from quart_trio import QuartTrio

from simlab import Chain, Experiment, Settings
from simlab.domain.otree import StudySettings
from simlab.web import create_app

BASE = "http://127.0.0.1:5000"
KEY = "s3cret-key"
AUTH = {"otree-rest-key": KEY}
LABELS = ["alice", "bob", "carol", "dave"]


def mock_exogenous_data(session: Any) -> None:
    """Demo/bot sessions only: label everyone and give them vars, as a study's shared_out.py would."""
    for p in session.get_participants():
        p.label = f"mock{p.id_in_session}"
        p.vars["age"] = 20 + p.id_in_session
    session.vars["mocked"] = session.config["name"]


def study_namespace(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "labels.txt").write_text("alice\n  bob \ncarol\n\ndave\nbob\n", encoding="utf-8")
    return {
        "SESSION_CONFIG_DEFAULTS": {"real_world_currency_per_point": 0.5, "participation_fee": 3.0},
        "SESSION_CONFIGS": [
            {"name": "trio", "display_name": "Groups of three", "app_sequence": ["bargain", "survey"],
             "num_demo_participants": 3, "players_per_group": 3, "mock_exogenous_data": True, "num_apples": 10},
            {"name": "solo", "app_sequence": ["survey"], "num_demo_participants": 2, "doc": "one at a time"},
        ],
        "ROOMS": [
            {"name": "lab", "display_name": "The lab", "participant_label_file": "labels.txt"},
            {"name": "open", "display_name": "Open room"},
        ],
        "REAL_WORLD_CURRENCY_CODE": "EUR",
        "mock_exogenous_data": mock_exogenous_data,
    }


class ChainExperiment(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain()


@pytest.fixture(name="study")
def _study(tmp_path: Path) -> StudySettings:
    return StudySettings.from_namespace(study_namespace(tmp_path), tmp_path)


@pytest.fixture(name="settings")
def _settings() -> Settings:
    return Settings(seed=7)


@pytest.fixture(name="experiment_class")
def _experiment_class() -> type[Experiment]:
    return ChainExperiment


@pytest.fixture(name="app")
def _app(experiment_class: type[Experiment], settings: Settings, study: StudySettings) -> QuartTrio:
    return create_app(experiment_class, settings=settings, study=study)


@pytest.fixture(name="exp")
def _exp(app: QuartTrio) -> Any:
    return app.extensions["simlab"].exp


@pytest.fixture(name="store")
def _store(exp: Any) -> Any:
    return exp.store


@pytest.fixture(name="client")
async def _client(app: QuartTrio) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        yield client


@pytest.fixture(name="create")
def _create(client: httpx.AsyncClient) -> Callable[..., Any]:
    """``await create(config, n, **fields)`` -> the create-session answer (asserting 200)."""

    async def create(config: str = "solo", num_participants: int | None = 2, **fields: Any) -> dict[str, Any]:
        body = {"session_config_name": config, "num_participants": num_participants, **fields}
        resp = await client.post("/api/sessions", json=body, headers=AUTH)
        assert resp.status_code == 200, resp.text
        data: dict[str, Any] = resp.json()
        return data

    return create


def snapshot(store: Any) -> dict[str, Any]:
    """Every column of every row (deep-copied), to show that a rejected request changed nothing."""
    import copy

    return {
        table: [{col: copy.deepcopy(getattr(row, col)) for col in type(row).columns} for row in store.rows(table)]
        for table in ("participant", "session", "room", "network", "node")
    }
