"""Compose a server from an experiment file and settings (used by the CLI and the harness)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .config import Settings
from .domain import Experiment
from .domain.otree import StudySettings
from .experiment_file import load_experiment_file
from .web import create_app
from .web.loading import durable_app

logger = logging.getLogger("simlab.server")


def build_server(experiment_path: Path | None, settings: Settings, *, in_memory: bool = True) -> tuple[Any, str]:
    """The app for ``experiment_path`` (None: Dallinger's base experiment) and a description."""
    if experiment_path is None:
        experiment: type[Experiment] = Experiment
        config: dict[str, Any] = {}
        folder = None
        study = StudySettings()
        name = "the base Experiment"
    else:
        loaded = load_experiment_file(experiment_path)
        experiment, config, folder = loaded.experiment_class, loaded.config, loaded.folder
        study = loaded.study
        name = f"{experiment.__name__} from {loaded.path}"
    if in_memory:
        app = create_app(experiment, settings=settings, config=config, folder=folder, study=study)
        return app, name + " (in memory)"
    gate = durable_app(experiment, settings, config=config, folder=folder, study=study)
    return gate, f"{name} (durable in {settings.data_dir}/, loading about {gate.total} rows)"
