"""The bot engine: bots, populations, the engine, stats, scenarios and reports.

Bots are black-box HTTP clients; nothing here imports ``simlab.store``,
``simlab.domain`` or ``simlab.web`` except :mod:`~simlab.runs.inprocess`,
which wires an in-process server for a run (lazily).
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
from .runner import RunOptions, run_scenario, run_scenario_async
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
    "run_scenario",
    "run_scenario_async",
    "task",
]
