"""The in-process server of a run: simlab's app built from a scenario.

The only engine module that imports simlab's server (``simlab.web``,
``simlab.domain``), and only inside functions, so ``--url`` runs and bots never
load it.  Bots still reach the app only through HTTP (httpx's ASGI transport).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .loader import import_path, load_experiment
from .scenario import Scenario
from .seeds import derive_seed


def build_app(scenario: Scenario, seed: int, scenario_dir: Path | None = None, *, settings: Any = None) -> Any:
    """Build the in-process server for ``scenario``; its random choices get a seed derived from ``seed``.

    ``settings`` overrides :func:`server_settings` (the served scenario sets host and port).
    """
    from simlab import Experiment  # the composition root may wire the server
    from simlab.web import create_app

    settings = server_settings(scenario, seed) if settings is None else settings
    experiment = scenario.experiment
    folder = None
    namespace: dict[str, Any] | None = None
    config: Any = dict(scenario.config) if scenario.config else None
    views = None
    if isinstance(experiment, (str, Path)):
        path = _resolve(experiment, scenario_dir)
        dallinger = dallinger_experiment(path)
        if dallinger is not None:  # a Dallinger experiment folder, served as `simlab serve FOLDER` serves it
            experiment, folder, views = dallinger.experiment_class, dallinger.folder, dallinger.views
            namespace = vars(dallinger.module)
            config = dallinger.make_config()
            for key, value in (scenario.config or {}).items():
                config.set(key, value)
            os.chdir(folder)  # Dallinger runs an experiment from its folder
        else:
            experiment = load_experiment(path, Experiment)
            folder = path.resolve().parent
            namespace = vars(import_path(path, "experiment"))
    study = study_settings(scenario.study, scenario_dir, namespace, folder)
    app = create_app(experiment, settings=settings, config=config, folder=folder, study=study, views=views)
    if scenario.sessions:
        create_bot_sessions(app, study, scenario.sessions)
    return app


def dallinger_experiment(path: Path) -> Any:
    """The loaded experiment if ``path`` is a Dallinger experiment folder (or its experiment.py), else None."""
    from simlab.experiment_file import load_experiment_file
    from simlab.experiment_package import imports_dallinger

    file = path / "experiment.py" if path.is_dir() else path
    if file.name != "experiment.py" or not imports_dallinger(file):
        return None
    return load_experiment_file(path)


def server_settings(scenario: Scenario, seed: int) -> Any:
    """The in-process server's ``Settings``: the scenario's, seeded from the run seed when unseeded."""
    from simlab import Settings

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


def study_settings(study: Any, scenario_dir: Path | None, namespace: dict[str, Any] | None, folder: Path | None) -> Any:
    """Read oTree study settings from a mapping, a study file, or the experiment file's names.

    Validation happens here, before the run starts, so a typo in ``SESSION_CONFIGS``
    fails with a message naming the key instead of mid-run.
    """
    from simlab.domain.otree import StudySettings

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


def create_bot_sessions(app: Any, study: Any, specs: Sequence[Mapping[str, Any]]) -> None:
    """Create the scenario's oTree sessions in-process as oTree does for bots (``mock_exogenous_data`` runs)."""
    from simlab.domain.otree import create_session

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


def experiment_errors(app: Any) -> list[dict[str, Any]]:
    """The exceptions the experiment's own code raised in ``app`` (their frames only), for the report."""
    runtime = getattr(app, "extensions", {}).get("simlab")
    return [error.as_dict() for error in runtime.user_errors.all()] if runtime is not None else []
