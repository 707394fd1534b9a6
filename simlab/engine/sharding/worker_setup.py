"""Dask worker preload for the ``LocalCluster`` of ``--workers``: leave Ctrl-C to the coordinator.

The worker processes share the terminal's process group, so a Ctrl-C reaches them
too and would kill them mid-request (their shards would then look like dead workers
and lose their results).  Ignoring SIGINT there lets the coordinator stop every shard
through Dask and write the report of what was done.  Dask calls :func:`dask_setup`
in each worker process's main thread.
"""

from __future__ import annotations

import signal
from typing import Any


def dask_setup(worker: Any) -> None:
    """Ignore SIGINT in this worker process (the coordinator handles Ctrl-C)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
