"""Experiment routes: ``@experiment_route`` methods and a module's ``extra_routes`` Blueprint.

Dallinger registers them on its Flask app; simlab collects them on a Flask app
of their own (``experiment_views``), which the web layer mounts so that each is
a synchronous Flask view running in a Flask request context, as under Dallinger.
"""

from __future__ import annotations

import inspect
import logging
from types import ModuleType
from typing import Any

from flask import Blueprint, Flask

from .schedule import scheduled_task

logger = logging.getLogger("simlab.compat")

ROUTE_ATTRIBUTE = "_simlab_experiment_routes"


def experiment_route(rule: str, **options: Any) -> Any:
    """Register a classmethod or function of an Experiment as a route (Dallinger's decorator)."""

    def decorate(func: Any) -> Any:
        base = getattr(func, "__func__", func)
        routes = base.__dict__.setdefault(ROUTE_ATTRIBUTE, [])
        routes.append((rule, options))
        return func

    return decorate


def _class_routes(experiment_class: type) -> list[tuple[str, str, dict[str, Any], Any]]:
    """``(rule, name, options, view)`` for each decorated attribute, subclasses overriding bases."""
    found = []
    for name in dir(experiment_class):
        raw = inspect.getattr_static(experiment_class, name, None)
        base = getattr(raw, "__func__", raw)
        for rule, options in getattr(base, ROUTE_ATTRIBUTE, ()):
            found.append((rule, name, dict(options), getattr(experiment_class, name)))
    return found


def experiment_views(experiment_class: type, module: ModuleType | None) -> Flask | None:
    """A Flask app holding the experiment's own routes, or None when it has none."""
    routes = _class_routes(experiment_class)
    extra = getattr(module, "extra_routes", None) if module is not None else None
    if not routes and not isinstance(extra, Blueprint):
        return None
    views = Flask("simlab_experiment_routes", static_folder=None, template_folder=None)
    views.add_url_rule("/static/<path:filename>", endpoint="static", build_only=True)
    blueprint = Blueprint("experiment_routes", __name__)
    for rule, name, options, view in routes:
        options.pop("endpoint", None)
        blueprint.add_url_rule(rule, endpoint=name, view_func=view, **options)
    views.register_blueprint(blueprint)
    if isinstance(extra, Blueprint):
        views.register_blueprint(extra)
    return views
