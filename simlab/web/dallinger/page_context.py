"""The Jinja context Dallinger's templates expect, for every page simlab renders.

Dallinger's templates call ``url_for('static', filename=...)``, ``url_for('consent')``
and other Flask endpoint names of Dallinger's server, ``get_from_config(key)``, and
read ``{{ experiment.* }}`` and ``env``.  Endpoint names that are not Dallinger's go
to Quart's own ``url_for`` (an experiment's routes, simlab's blueprints).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from quart import request, url_for as quart_url_for
from werkzeug.routing import BuildError

if TYPE_CHECKING:
    from ..runtime import Runtime

#: Dallinger's Flask endpoint names -> simlab paths (spec 4.26).
ENDPOINTS: dict[str, str] = {
    "index": "/",
    "advertisement": "/ad",
    "ad": "/ad",
    "consent": "/consent",
    "recruiter_exit": "/recruiter-exit",
    "render_error": "/error-page",
    "error_page": "/error-page",
    "handle_error": "/handle-error",
    "launch": "/launch",
    "summary": "/summary",
    "worker_complete": "/worker_complete",
    "worker_failed": "/worker_failed",
    "static_robots_txt": "/robots.txt",
    "static_favicon": "/favicon.ico",
    "post_participant": "/participant",
    "load_participant": "/load-participant",
}


def _external(path: str) -> str:
    try:
        return request.host_url.rstrip("/") + path
    except RuntimeError:  # rendered outside a request
        return path


def url_for(endpoint: str, **values: Any) -> str:
    """Flask's ``url_for`` with Dallinger's endpoint names; extra values become the query."""
    external = bool(values.pop("_external", False))
    anchor = values.pop("_anchor", None)
    values.pop("_method", None)
    values.pop("_scheme", None)
    if endpoint == "static" or endpoint.endswith(".static"):
        # '+' stays literal (store+json2.min.js), as Flask leaves it.
        path = "/static/" + quote(str(values.pop("filename", "")).lstrip("/"), safe="/+@")
    elif endpoint in ("get_page", "get_page_from_directory"):
        parts = [values.pop(k) for k in ("directory", "page") if k in values]
        path = "/" + "/".join(quote(str(p), safe="") for p in parts)
    elif endpoint in ENDPOINTS:
        path = ENDPOINTS[endpoint]
    else:
        try:
            return str(quart_url_for(endpoint, _external=external, _anchor=anchor, **values))
        except BuildError:
            matches = [rule.endpoint for rule in _rules() if rule.endpoint.rpartition(".")[2] == endpoint]
            if len(matches) != 1:
                raise
            return str(quart_url_for(matches[0], _external=external, _anchor=anchor, **values))
    query = {k: v for k, v in values.items() if v is not None}
    if query:
        path += "?" + urlencode(query, doseq=True)
    if anchor:
        path += "#" + quote(str(anchor))
    return _external(path) if external else path


def _rules() -> list[Any]:
    from quart import current_app

    return list(current_app.url_map.iter_rules())


def page_context(rt: Runtime) -> dict[str, Any]:
    """What every template sees beside its own variables."""

    def get_from_config(key: str) -> Any:
        return rt.exp.config.get(key)

    return {
        "url_for": url_for,
        "get_from_config": get_from_config,
        "experiment": rt.exp,
        "env": os.environ,
    }
