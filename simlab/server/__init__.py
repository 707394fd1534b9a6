"""Building and serving simlab's server.

:func:`build_server` turns an :class:`~simlab.sources.ExperimentSource` and
``Settings`` into a :class:`Server` (the only place that composes store,
journal and app); :mod:`.serving` serves it with hypercorn's trio worker
(signals, graceful stop, GC freezing: :mod:`.gc_freeze`); :mod:`.loading` is the
gate that answers 503 while a data folder loads.
"""

from __future__ import annotations

from .build import Server, build_server
from .serving import PortInUse, bind, free_port, serve

__all__ = ["PortInUse", "Server", "bind", "build_server", "free_port", "serve"]
