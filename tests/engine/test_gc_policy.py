"""The engine defers full garbage collections during a run and restores the collector after."""

from __future__ import annotations

import gc

import pytest

from simlab.engine.gc_policy import DEFERRED_THRESHOLD2, quiet_gc


def test_quiet_gc_defers_full_collections_and_restores() -> None:
    before = gc.get_threshold()
    with quiet_gc():
        during = gc.get_threshold()
        assert during[:2] == before[:2] and during[2] >= DEFERRED_THRESHOLD2
    assert gc.get_threshold() == before


def test_quiet_gc_restores_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), quiet_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
