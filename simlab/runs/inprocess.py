"""The in-process server of a run: simlab's app built from a scenario, and runs against it.

Builds the server through :func:`simlab.server.build_server` like every other
way of serving; bots still reach the app only through HTTP (httpx's ASGI
transport).  :func:`run_scenario` is a whole in-process (or ``--url``) run.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import trio
import trio.testing
from rich.console import Console

from ..config import Settings
from ..domain.otree import StudySettings, create_session
from ..engine.clients.connect import Target
from ..engine.loader import import_path
from ..engine.reporting.report import RunReport
from ..engine.runner import RunOptions, run_scenario_async
from .live.serving import with_live_page, with_signals
from ..engine.scenario import Scenario
from ..engine.seeds import derive_seed
from ..server import Server, build_server
from ..sources import ExperimentSource, load_source
from ..web.app import SimlabApp


def build_app(scenario: Scenario, seed: int, scenario_dir: Path | None = None, *, settings: Settings | None = None) -> SimlabApp:
    """Build the in-process server for ``scenario``; its random choices get a seed derived from ``seed``.

    ``settings`` overrides :func:`server_settings` (the served scenario sets host and port).
    """
    return build_scenario_server(scenario, seed, scenario_dir, settings=settings).app


def build_scenario_server(
    scenario: Scenario, seed: int, scenario_dir: Path | None = None, *, settings: Settings | None = None
) -> Server:
    """The :class:`Server` of ``scenario`` (in memory), its bot sessions created, in its working folder."""
    settings = server_settings(scenario, seed) if settings is None else settings
    source = scenario_source(scenario, scenario_dir)
    if scenario.study is None and source.kind == "otree":
        study = source.study  # the project's settings.py and apps, read once by the source
    else:
        study = study_settings(scenario.study, scenario_dir, source.namespace, source.folder)
    server = build_server(source, settings, config=scenario.config, study=study)
    server.enter_working_dir()  # Dallinger runs an experiment from its folder
    if scenario.sessions:
        create_bot_sessions(server.app, study, scenario.sessions)
    return server


def scenario_source(scenario: Scenario, scenario_dir: Path | None) -> ExperimentSource:
    """The scenario's experiment as a source: a class it defines, or a path (file or Dallinger folder)."""
    experiment = scenario.experiment
    if isinstance(experiment, (str, Path)):
        return load_source(_resolve(experiment, scenario_dir))
    return ExperimentSource.of_class(experiment)


def server_settings(scenario: Scenario, seed: int) -> Settings:
    """The in-process server's ``Settings``: the scenario's, seeded from the run seed when unseeded."""
    settings = scenario.settings
    if settings is None:
        settings = Settings()
    elif not isinstance(settings, Settings):
        settings = Settings().with_values(**dict(settings))
    if settings.seed is None:
        settings = settings.with_values(seed=derive_seed(seed, "server") % 2**63)
    return settings


def _resolve(path: str | Path, scenario_dir: Path | None) -> Path:
    path = Path(path)
    if not path.is_absolute() and scenario_dir is not None:
        path = scenario_dir / path
    return path


def study_settings(
    study: Any, scenario_dir: Path | None, namespace: Mapping[str, Any] | None, folder: Path | None
) -> StudySettings:
    """Read oTree study settings from a mapping, a study file, or the experiment file's names.

    Validation happens here, before the run starts, so a typo in ``SESSION_CONFIGS``
    fails with a message naming the key instead of mid-run.
    """
    if isinstance(study, StudySettings):
        return study
    if isinstance(study, (str, Path)):
        path = _resolve(study, scenario_dir)
        return StudySettings.from_namespace(vars(import_path(path, "study")), path.resolve().parent)
    if isinstance(study, Mapping):
        return StudySettings.from_namespace(study, scenario_dir or Path.cwd())
    if study is not None:
        raise TypeError(f"Scenario.study must be a mapping of study settings or a path, got {type(study).__name__}")
    if namespace is not None:
        return StudySettings.from_namespace(namespace, folder or Path.cwd())
    return StudySettings()


def create_bot_sessions(app: SimlabApp, study: StudySettings, specs: Sequence[Mapping[str, Any]]) -> None:
    """Create the scenario's oTree sessions in-process as oTree does for bots (``mock_exogenous_data`` runs)."""
    exp = app.extensions["simlab"].exp
    for i, spec in enumerate(specs):
        unknown = sorted(set(spec) - {"config", "num_participants", "room", "label"})
        if unknown or "config" not in spec:
            raise ValueError(f"Scenario.sessions[{i}] needs 'config' and takes num_participants/room/label; got keys {sorted(spec)}")
        with exp.store.transaction():
            create_session(
                exp, study, spec["config"], spec.get("num_participants"), room_name=spec.get("room"), label=spec.get("label") or "",
                is_demo=True, run_mock=True,
            )


def run_scenario(
    scenario: Scenario, options: RunOptions = RunOptions(), *, console: Console | None = None, scenario_dir: Path | None = None
) -> RunReport:
    """Run ``scenario`` in a fresh ``trio.run`` (virtual or real clock) and write its report."""
    seed = scenario.seed if options.seed is None else options.seed
    if options.participants is not None:
        # before the server is built: a scenario's experiment may be sized for its population
        scenario = scenario.with_participants(options.participants)
        options = replace(options, participants=None)
    target = Target.remote(options.url) if options.url else Target.in_process(build_app(scenario, seed, scenario_dir))
    errors = None if options.url else functools.partial(experiment_errors, target.app)
    if not options.url and options.otree_rest_key is None:
        # in-process, the callers know the key the scenario gave its own server
        key = server_settings(scenario, seed).otree_rest_key
        if key:
            options = replace(options, otree_rest_key=key)
    clock = trio.testing.MockClock(autojump_threshold=0) if options.virtual else None
    run = functools.partial(run_scenario_async, scenario, target, options, console=console, experiment_errors=errors)
    main = functools.partial(with_signals, options, functools.partial(with_live_page, options, scenario.name, None, console, run))
    report: RunReport = trio.run(main, clock=clock)
    if options.report_dir is not None:
        report.write(options.report_dir)
    return report


def experiment_errors(app: Any) -> list[dict[str, Any]]:
    """The exceptions the experiment's own code raised in ``app`` (their frames only), for the report."""
    runtime = getattr(app, "extensions", {}).get("simlab")
    return [error.as_dict() for error in runtime.user_errors.all()] if runtime is not None else []
