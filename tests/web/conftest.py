"""Fixtures for route tests: an app per test on its own store, an in-process client, a builder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from quart_trio import QuartTrio

from simlab import Chain, Experiment, Settings
from simlab.web import create_app

from .dallinger.helpers import BASE, Builder


class ChainExperiment(Experiment):
    """The issue's example experiment: one Chain network."""

    experiment_repeats = 1
    public_properties = {"conformance": True, "label": "simlab"}

    def create_network(self) -> Any:
        return Chain()


@pytest.fixture(name="experiment_class")
def _experiment_class() -> type[Experiment]:
    return ChainExperiment


@pytest.fixture(name="app")
def _app(experiment_class: type[Experiment]) -> QuartTrio:
    return create_app(experiment_class, settings=Settings(seed=1))


@pytest.fixture(name="exp")
def _exp(app: QuartTrio) -> Any:
    return app.extensions["simlab"].exp


@pytest.fixture(name="client")
async def _client(app: QuartTrio) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        resp = await client.post("/launch")
        assert resp.status_code == 200, resp.text
        yield client


@pytest.fixture(name="build")
def _build(client: httpx.AsyncClient, exp: Any) -> Builder:
    return Builder(client, exp)
