"""Serve an experiment's Flask views (its own routes) from the Quart app.

Dallinger runs experiment routes as synchronous Flask views.  Each mounted rule
here reads the Quart request, rebuilds it as a WSGI request in the Flask app's
request context (so ``flask.request``, ``jsonify``, ``abort``, ``render_template``
and ``Response`` behave as under Dallinger) and calls the view on the trio
thread, inside one store transaction: the view is short and synchronous, so it
is atomic like any domain operation, and a view that fails leaves nothing behind.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from quart import Response, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.test import EnvironBuilder

from ..domain.admission import Refused
from .user_errors import route_name

logger = logging.getLogger("simlab.web")

_AUTOMATIC = {"HEAD", "OPTIONS"}


def mount_flask_views(app: Any, views: Flask, rt: Any) -> None:
    """Add every rule of ``views`` (but its static one) to the Quart ``app``.

    ``render_template`` in a view finds the experiment's templates, then simlab's,
    with the context Dallinger's pages get (``url_for('static', ...)``,
    ``get_from_config``, ``experiment``).
    """
    from .dallinger.page_context import page_context

    views.jinja_loader = app.jinja_loader
    views.context_processor(lambda: page_context(rt))
    store = rt.store
    for rule in views.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        app.add_url_rule(
            rule.rule,
            endpoint=rule.endpoint,
            view_func=_bridge(views, rule.endpoint, store, rt),
            methods=sorted(set(rule.methods or ()) - _AUTOMATIC) or ["GET"],
            strict_slashes=rule.strict_slashes,
        )


def _bridge(views: Flask, endpoint: str, store: Any, rt: Any) -> Any:
    view = views.view_functions[endpoint]

    async def serve(**arguments: Any) -> Response:
        body = await request.get_data()
        environ = EnvironBuilder(
            path=request.path,
            base_url=f"{request.scheme}://{request.host}",
            query_string=request.query_string.decode("latin-1"),
            method=request.method,
            headers=list(request.headers.items()),
            data=body,
        ).get_environ()
        with views.request_context(environ):
            try:
                with store.transaction():
                    answer = views.make_response(view(**arguments))
            except HTTPException as exc:
                answer = exc.get_response(environ)
            except Refused:
                raise
            except Exception as exc:
                rt.user_errors.record(f"its route {route_name(request.method, request.path)}", exc)
                answer = InternalServerError().get_response(environ)
        return Response(answer.get_data(), status=answer.status_code, headers=list(answer.headers.items()))

    serve.__name__ = f"experiment_view_{endpoint.replace('.', '_')}"
    return serve
