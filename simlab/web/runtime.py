"""Runtime: what every handler of one app shares (experiment, store, settings, chat relay).

Handlers reach it through a closure made by the app factory, never a global,
so one process can hold several apps with their own stores.  Dallinger's request
helpers (parameters, nodes, atomic blocks in Dallinger's error envelope) are
``web/dallinger/requests.py``'s, given to Dallinger's handlers only.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from ..config import Settings
from ..domain import Experiment
from .user_errors import UserErrors

logger = logging.getLogger("simlab.web")


class Runtime:
    """The experiment, its store, the settings, the resources and the chat relay of one app."""

    def __init__(self, experiment: Experiment, settings: Settings, resources: Any = None) -> None:
        self.exp = experiment
        self.store = experiment.store
        self.settings = settings
        self.resources = resources
        self.pubsub: Any = None
        #: the experiment's greenlets, background and scheduled tasks (``simlab.compat.background``)
        self.background: Any = None
        self.app: Any = None
        #: The experiment's own exceptions (hooks, routes, launch, background tasks), with their frames.
        self.user_errors = UserErrors()
        self._inbox: deque[str] = deque()
        self._delivering = False

    def publish(self, channel: str, payload: str) -> None:
        """Publish on the in-process chat relay (Dallinger publishes through Redis).

        An experiment with a ``channel`` also receives what is published there and
        on ``dallinger_control``, through its ``send`` (Dallinger's worker runs
        ``receive_message`` for it).  Messages an experiment publishes while it
        handles one are queued, never handled recursively.
        """
        if self.pubsub is not None:
            self.pubsub.publish(channel, payload)
        if self.exp.channel and channel in (self.exp.channel, "dallinger_control"):
            self._inbox.append(f"{channel}:{payload}")
            if not self._delivering:
                self._deliver()

    def _deliver(self) -> None:
        self._delivering = True
        try:
            while self._inbox:
                raw = self._inbox.popleft()
                try:
                    with self.store.transaction():
                        self.exp.send(raw)
                except Exception as exc:
                    self.user_errors.record(f"its handling of a {raw.split(':', 1)[0]} message", exc)
        finally:
            self._delivering = False

    def start_background_tasks(self) -> None:
        from .app import start_background_tasks

        start_background_tasks(self)
