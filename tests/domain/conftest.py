"""Fixtures for domain tests: an experiment on a fresh store."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Experiment
from simlab.store import GraphStore


@pytest.fixture(name="store")
def _store() -> GraphStore:
    return GraphStore()


@pytest.fixture(name="exp")
def _exp(store: GraphStore) -> Any:
    return Experiment(store, seed=1)


@pytest.fixture(name="participant")
def _participant(exp: Any) -> Any:
    """A factory of working participants."""
    counter = iter(range(1, 10_000))

    def make() -> Any:
        n = next(counter)
        return exp.create_participant(worker_id=f"w{n}", hit_id=f"h{n}", assignment_id=f"a{n}", mode="debug")

    return make
