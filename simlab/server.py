"""Compose a server from an experiment file and settings (used by the CLI and the harness)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .config import Settings
from .domain import Experiment
from .domain.otree import StudySettings
from .datafolder import FolderLock
from .domain.classes import class_resolver
from .durability import Journal
from .store import GraphStore
from .store import sqlite as db_file
from .experiment_file import load_experiment_file
from .errors import ConfigError
from .web import create_app
from .web.loading import LoadingGate

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
    # the folder's lock first: a second server must not even read a file another one writes
    lock = FolderLock(settings.data_dir).acquire()
    try:
        db = db_file.connect(Path(settings.data_dir) / db_file.FILE_NAME)
    except db_file.DataFileError as exc:
        lock.release()
        raise ConfigError(str(exc)) from None
    store = GraphStore()
    journal = Journal(db)
    store.listeners.append(journal.on_commit)
    app = create_app(experiment, settings=settings, store=store, config=config, folder=folder, journal=journal, study=study)
    gate = LoadingGate(app, db, store, class_resolver(experiment))
    gate.lock = lock
    return gate, f"{name} (durable in {settings.data_dir}/, loading about {gate.total} rows)"
