"""Runtime: what every handler of one app shares (experiment, store, settings).

Handlers reach it through a closure made by the app factory, never a global,
so one process can hold several apps with their own stores.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from quart import current_app, request

from ..config import Settings
from ..domain import Experiment
from .dallinger.models import JSON_BODY_ATTRIBUTE, MODEL_ATTRIBUTE
from .dallinger.params import Params, url_id
from .dallinger.wire import DallingerError
from .user_errors import UserErrors, route_name

logger = logging.getLogger("simlab.web")


class Runtime:
    """The experiment, its store and the settings, plus request helpers for handlers."""

    def __init__(self, experiment: Experiment, settings: Settings, resources: Any = None) -> None:
        self.exp = experiment
        self.store = experiment.store
        self.settings = settings
        self.resources = resources
        self.pubsub: Any = None
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

    async def params(self) -> Params:
        """The request's parameters, checked against the route's request model (``models.py``)."""
        view = current_app.view_functions.get(request.endpoint or "")
        model = getattr(view, MODEL_ATTRIBUTE, None)
        json_route = getattr(view, JSON_BODY_ATTRIBUTE, False)
        return await Params.read(request, self.exp.known_classes, model, json_route)

    def node(self, node_id: int, error_type: str, *, participant: Any = None) -> Any:
        """The node with ``node_id`` or a 400 with the route's message."""
        node = self.store.get("node", url_id(node_id))
        if node is None:
            raise DallingerError(error_type, participant=participant)
        return node

    @contextmanager
    def atomic(self, error_type: str, *, status: int = 400, participant: Any = None) -> Iterator[None]:
        """Run domain work in one transaction; any failure undoes it and answers the route's error.

        Dallinger answers any exception in these blocks with the route's generic
        message (experiment hooks included); simlab does the same, logs the
        traceback, and, unlike Dallinger, leaves no partial write behind.
        """
        try:
            with self.store.transaction():
                yield
        except DallingerError:
            raise
        except Exception as exc:
            self.user_errors.record(route_name(request.method, request.path), exc)
            raise DallingerError(error_type, status=status, participant=participant) from exc
