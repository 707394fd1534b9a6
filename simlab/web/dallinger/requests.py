"""Dallinger's request helpers: a route's parameters, its nodes, and atomic blocks in its error envelope.

Dallinger's handlers get the app's :class:`~simlab.web.runtime.Runtime` wrapped
in :class:`DallingerRuntime` (the oTree and admin blueprints get the plain one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from quart import current_app, request

from ...config import Settings
from ...domain import Experiment
from ...domain.admission import Refused
from ...store import GraphStore
from ..runtime import Runtime
from ..user_errors import UserErrors, route_name
from .models import JSON_BODY_ATTRIBUTE, MODEL_ATTRIBUTE
from .params import Params, url_id
from .wire import DallingerError

logger = logging.getLogger("simlab.web")


class DallingerRuntime:
    """The app's Runtime as Dallinger's handlers see it: the same state, plus their request helpers."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    @property
    def exp(self) -> Experiment:
        return self.rt.exp

    @property
    def store(self) -> GraphStore:
        return self.rt.store

    @property
    def settings(self) -> Settings:
        return self.rt.settings

    @property
    def resources(self) -> Any:
        return self.rt.resources

    @property
    def pubsub(self) -> Any:
        return self.rt.pubsub

    @property
    def app(self) -> Any:
        return self.rt.app

    @property
    def user_errors(self) -> UserErrors:
        return self.rt.user_errors

    def publish(self, channel: str, payload: str) -> None:
        self.rt.publish(channel, payload)

    def start_background_tasks(self) -> None:
        self.rt.start_background_tasks()

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
        except (DallingerError, Refused):
            raise
        except Exception as exc:
            self.rt.user_errors.record(route_name(request.method, request.path), exc)
            raise DallingerError(error_type, status=status, participant=participant) from exc
