"""While serving, long-lived objects are frozen out of GC scans every interval."""

from __future__ import annotations

import gc

import trio
from trio.testing import MockClock

from simlab.config import Settings
from simlab.server.gc_freeze import freeze_survivors


async def test_freeze_survivors_freezes_every_interval(autojump_clock: MockClock) -> None:
    gc.unfreeze()
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(freeze_survivors, 5.0)
            await trio.sleep(0.1)
            first = gc.get_freeze_count()
            assert first > 0
            survivor = [[] for _ in range(1000)]  # tracked containers that survive into the next freeze
            await trio.sleep(5.0)
            assert gc.get_freeze_count() >= first + 1000
            del survivor
            nursery.cancel_scope.cancel()
    finally:
        gc.unfreeze()


def test_interval_comes_from_the_environment() -> None:
    assert Settings.from_env({"SIMLAB_GC_FREEZE_INTERVAL": "0"}).gc_freeze_interval == 0
    assert Settings().gc_freeze_interval > 0
