"""Compose a server from an experiment file and settings (used by the CLI and the harness)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..config import Settings
from ..domain import Experiment
from ..domain.otree import StudySettings
from ..sources.experiment import load_experiment_file
from ..web import create_app
from .loading import durable_app

logger = logging.getLogger("simlab.server")


def build_server(
    experiment_path: Path | None, settings: Settings, *, in_memory: bool = True, mode: str | None = None
) -> tuple[Any, str]:
    """The app for ``experiment_path`` (None: Dallinger's base experiment) and a description.

    ``experiment_path`` may be an experiment file or a Dallinger experiment folder;
    the app's ``working_dir`` is the folder a Dallinger experiment expects to run
    from (it opens files such as ``static/stimuli/...`` relative to it), else None.
    """
    views = None
    working_dir = None
    if experiment_path is None:
        experiment: type[Experiment] = Experiment
        config: Any = {}
        folder = None
        study = StudySettings()
        name = "the base Experiment"
    else:
        file = load_experiment_file(experiment_path, mode=mode)
        experiment, config, folder = file.experiment_class, file.make_config(), file.folder
        study, views = file.study, file.views
        working_dir = folder if file.dallinger else None
        name = f"{experiment.__name__} from {file.path}"
        if file.dallinger:
            name += f" in {config.get('mode')} mode"
    if in_memory:
        app = create_app(experiment, settings=settings, config=config, folder=folder, study=study, views=views)
        description = name + " (in memory)"
    else:
        app = durable_app(experiment, settings, config=config, folder=folder, study=study, views=views)
        description = f"{name} (durable in {settings.data_dir}/, loading about {app.total} rows)"
    app.working_dir = working_dir
    return app, description
