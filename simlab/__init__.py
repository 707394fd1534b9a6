"""simlab: run Dallinger and oTree studies with bots, and serve small real ones.

This module is the public surface for experiment, bot and scenario authors
(``simlab.__all__``, pinned by ``tests/test_exported_members.py``); scenarios
and bots import only ``simlab`` and ``simlab.bots``.

General layout (imports point down only; the engine reaches the server only over HTTP)::

    cli ─▶ runs ─┬─▶ engine (bots, scenarios; clients/, reporting/, sharding/)  ──HTTP──┐
                 └─▶ server (build_server, serving) ◀─ sources (a user's experiment)   │
                        └─▶ web (the ASGI app: dallinger/, otree/, admin) ◀────────────┘
                              ├─▶ domain (Dallinger & oTree semantics, synchronous)
                              │     └─▶ store (networkx graph, indexes, SQLite rows)
                              └─▶ persistence (journal, data folder, export)

* ``sources/``: one loader turning a user's path into an ``ExperimentSource``.
* ``server/``: ``build_server(source, settings) -> Server``, the one place that
  composes store, journal and app; serving with hypercorn on trio.
* ``runs/``: the only package importing both server and engine: in-process
  runs, an experiment's own bots, served scenarios, distributed runs.
* ``engine/``: the bot engine, a black-box HTTP client (httpx, trio, rich).
* ``web/``: the ASGI app; ``domain/`` and ``store/`` below it import no trio.
* ``persistence/``: durable state at rest; ``compat/``: Dallinger's own names.
* ``errors`` (one exception tree), ``config`` (``Settings``), ``asgi`` (ASGI
  types), ``pyfile`` (importing a user's file by path).
"""

from __future__ import annotations

from ._version import __version__
from .config import Settings
from .domain import (
    Agent,
    Burst,
    Chain,
    Compression,
    DelayedChain,
    DiscreteGenerational,
    Empty,
    Environment,
    Experiment,
    FullyConnected,
    Gene,
    Info,
    Meme,
    Mutation,
    Network,
    Node,
    Notification,
    Participant,
    Question,
    RandomBinaryStringSource,
    Replication,
    ReplicatorAgent,
    Response,
    ScaleFree,
    SequentialMicrosociety,
    Source,
    SplitSampleNetwork,
    Star,
    State,
    TrackingEvent,
    Transformation,
    Transmission,
    Vector,
)
from .errors import ConfigError, SimlabError

#: Names of the bot engine re-exported here, imported on first use so that a
#: server process never loads the engine (PEP 562).
_ENGINE_NAMES = (
    "LoadError",
    "ApiError",
    "Bot",
    "CheckContext",
    "CheckResult",
    "DallingerClient",
    "Events",
    "Limits",
    "NoNetworkAvailable",
    "OTreeClient",
    "Persona",
    "Population",
    "RequestEvent",
    "RetryPolicy",
    "RunOptions",
    "Scenario",
    "StopBot",
    "Thresholds",
    "WaitTime",
    "between",
    "constant",
    "exponential",
    "flow_bot",
    "load_scenario",
    "task",
)
#: Names of whole runs (they build simlab's own server for a run).
_RUN_NAMES = ("run_scenario",)


def __getattr__(name: str) -> object:
    if name in _ENGINE_NAMES:
        from . import engine

        return getattr(engine, name)
    if name in _RUN_NAMES:
        from .runs import inprocess

        return getattr(inprocess, name)
    raise AttributeError(f"module 'simlab' has no attribute {name!r}")

__all__ = [
    "Agent",
    "Burst",
    "Chain",
    "Compression",
    "ConfigError",
    "DelayedChain",
    "DiscreteGenerational",
    "Empty",
    "Environment",
    "Experiment",
    "FullyConnected",
    "Gene",
    "Info",
    "Meme",
    "Mutation",
    "Network",
    "Node",
    "Notification",
    "Participant",
    "Question",
    "RandomBinaryStringSource",
    "Replication",
    "ReplicatorAgent",
    "Response",
    "ScaleFree",
    "SequentialMicrosociety",
    "Settings",
    "SimlabError",
    "Source",
    "SplitSampleNetwork",
    "Star",
    "State",
    "TrackingEvent",
    "Transformation",
    "Transmission",
    "Vector",
    "__version__",
    *_ENGINE_NAMES,
    *_RUN_NAMES,
]
