"""Keep garbage-collection pauses of a serving process independent of the store's size.

Every stored row is a long-lived container, so CPython's full collections walk
the whole store, and they come each time the old generation grows by a quarter:
pauses that grow with the study (measured on the transmit benchmark at
concurrency 64: p99 100–135 ms with the defaults, 54–66 ms with the collector
off).  While serving, everything that has survived for ``interval`` seconds is
frozen out of the collector's scans (``gc.freeze``): the rows, the experiment,
the modules.  Young collections go on as usual, so the short-lived cycles a
request makes are still freed; what is frozen is almost all live state.
"""

from __future__ import annotations

import gc

import trio

DEFAULT_INTERVAL = 10.0


async def freeze_survivors(interval: float = DEFAULT_INTERVAL) -> None:
    """Every ``interval`` seconds, collect the young generations, then freeze the rest."""
    gc.freeze()
    while True:
        await trio.sleep(interval)
        gc.collect(1)
        gc.freeze()
