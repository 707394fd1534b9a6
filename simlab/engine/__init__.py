"""The bot engine: a black-box HTTP client of any Dallinger or oTree server.

General layout (what an author touches is at the top level, as in Locust's ``locust/user/``):

* ``bot``, ``persona``, ``population``, ``timing``, ``scenario``: writing bots and scenarios;
* ``engine``, ``events``, ``seeds``, ``gc_policy``, ``recruited``, ``runner``, ``loader``: running them;
* ``clients/``: the Dallinger and oTree API clients, over httpx, with retries;
* ``reporting/``: statistics, latency histograms, snapshots, progress, reports;
* ``sharding/``: a run split over dask workers.

Nothing here imports simlab's server side (``web``, ``domain``, ``store``,
``compat``, ``server``, ``sources``): ``tests/engine/test_boundaries.py`` holds
it to that.  Building simlab's own server for a run is ``simlab.runs``.
Authors import from ``simlab``; these names are for simlab's own modules and tests.
"""

from __future__ import annotations

from .bot import Bot, FlowBot, StopBot, flow_bot, task
from .clients.connect import ClientSource, Target
from .clients.dallinger import DallingerClient, NoNetworkAvailable
from .engine import Engine, EngineStatistics, plan_arrivals
from .events import BotEvent, Events, RequestEvent
from .reporting.histogram import LatencyHistogram
from .clients.http import ApiClient, ApiError
from .loader import LoadError, load_scenario
from .clients.otree import OTreeClient
from .persona import Persona, PersonaFactory
from .population import Limits, Population
from .reporting.report import RunReport
from .clients.retry import RetryPolicy
from .runner import RunOptions, run_scenario_async
from .scenario import CheckContext, CheckResult, Scenario, Thresholds
from .seeds import derive_random, derive_seed
from .reporting.snapshot import Snapshot, read_snapshot
from .reporting.stats import RunStats
from .timing import WaitTime, between, constant, exponential

__all__ = [
    "ApiClient",
    "ApiError",
    "Bot",
    "BotEvent",
    "CheckContext",
    "CheckResult",
    "ClientSource",
    "DallingerClient",
    "Engine",
    "EngineStatistics",
    "Events",
    "FlowBot",
    "LatencyHistogram",
    "Limits",
    "LoadError",
    "NoNetworkAvailable",
    "OTreeClient",
    "Persona",
    "PersonaFactory",
    "Population",
    "RequestEvent",
    "RetryPolicy",
    "RunOptions",
    "RunReport",
    "RunStats",
    "Scenario",
    "Snapshot",
    "StopBot",
    "Target",
    "Thresholds",
    "WaitTime",
    "between",
    "constant",
    "derive_random",
    "derive_seed",
    "exponential",
    "flow_bot",
    "load_scenario",
    "plan_arrivals",
    "read_snapshot",
    "run_scenario_async",
    "task",
]
