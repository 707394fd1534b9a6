"""Compose a server from an experiment source and settings: the one place that builds an app.

Every way of serving (``simlab serve``, in-process runs, an experiment's own
bots, served scenarios, the benchmarks) calls :func:`build_server`; it is the
only code that composes store, journal and app, and :meth:`Server.enter_working_dir`
is the only place that changes directory.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..asgi import ASGIApp
from ..config import Settings
from ..domain import Experiment
from ..domain.classes import class_resolver
from ..domain.otree import StudySettings
from ..errors import ConfigError
from ..persistence.datafolder import FolderLock
from ..persistence.journal import Journal
from ..sources import ExperimentSource
from ..store import GraphStore
from ..store import sqlite as db_file
from ..web import create_app
from ..web.app import SimlabApp
from .loading import LoadingGate

logger = logging.getLogger("simlab.server")


@dataclass
class Server:
    """A built server: the app, and what serving it needs besides."""

    #: The Quart app (its ``experiment`` is the served instance).
    app: SimlabApp
    settings: Settings
    #: One line naming what is served ("Mine from exp.py (in memory)").
    description: str
    #: In front of ``app`` while a durable store loads (None in memory).
    gate: LoadingGate | None = None
    #: The folder a Dallinger experiment runs from (it opens files relative to it), else None.
    working_dir: Path | None = None
    #: The data folder's lock, held as long as this server lives (None in memory).
    lock: FolderLock | None = None

    @property
    def experiment(self) -> Experiment:
        """The served experiment instance."""
        assert self.app.experiment is not None
        return self.app.experiment

    @property
    def asgi(self) -> ASGIApp:
        """What to hand to the ASGI server: the loading gate when there is one, else the app."""
        return self.gate if self.gate is not None else self.app

    @property
    def error(self) -> str | None:
        """Why loading the data folder failed, once it has (one line naming the file)."""
        return self.gate.error if self.gate is not None else None

    def enter_working_dir(self) -> None:
        """Change to the experiment's working folder, as Dallinger runs an experiment (and its bots)."""
        if self.working_dir is not None:
            os.chdir(self.working_dir)


def build_server(
    source: ExperimentSource,
    settings: Settings,
    *,
    in_memory: bool = True,
    config: Mapping[str, Any] | None = None,
    study: StudySettings | None = None,
) -> Server:
    """The server of ``source`` under ``settings``.

    ``config`` are the caller's config values (flags, a scenario's ``config``);
    they win over the environment, config.txt and the class (see
    :meth:`ExperimentSource.make_config`).  ``study`` replaces the source's oTree
    settings (a scenario's own).  Durable (``in_memory=False``), the data folder's
    lock is taken first and the database checked; both fail with ``ConfigError``.
    """
    name = source.name
    if source.dallinger:
        name += f" in {source.config.get('mode')} mode"
    options: dict[str, Any] = {
        "settings": settings,
        "config": source.make_config(config),
        "folder": source.folder,
        "study": study if study is not None else source.study,
        "views": source.views,
    }
    if in_memory:
        app = create_app(source.experiment_class, **options)
        return Server(app, settings, name + " (in memory)", working_dir=source.working_dir)
    lock = FolderLock(settings.data_dir, db_file.FILE_NAME).acquire()
    try:
        db = db_file.connect(Path(settings.data_dir) / db_file.FILE_NAME)
    except db_file.DataFileError as exc:
        lock.release()
        raise ConfigError(str(exc)) from None
    store = GraphStore()
    journal = Journal(db, store)
    store.listeners.append(journal.on_commit)
    store.undo_listeners.append(journal.on_undo)
    app = create_app(source.experiment_class, store=store, journal=journal, **options)
    gate = LoadingGate(app, db, store, class_resolver(source.experiment_class))
    description = f"{name} (durable in {settings.data_dir}/, loading about {gate.total} rows)"
    return Server(app, settings, description, gate=gate, working_dir=source.working_dir, lock=lock)
