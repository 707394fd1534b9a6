"""``dallinger.experiment_server.utils``: Dallinger's JSON envelopes for experiment routes."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template


def success_response(**data: Any) -> Response:
    """``{"status": "success", ...data}`` with status 200."""
    payload = {"status": "success", **data}
    return Response(json.dumps(payload, default=str), status=200, mimetype="application/json")


def error_response(
    error_type: str = "Internal server error",
    error_text: str = "",
    status: int = 400,
    participant: Any = None,
    simple: bool = False,
    request_data: str = "",
) -> Response:
    """Dallinger's error envelope: ``{"status": "error", "html": <error page>}``."""
    if simple:
        payload: dict[str, Any] = {"status": "error", "message": error_text or error_type}
    else:
        html = render_template(
            "error.html",
            error_type=error_type,
            error_text=error_text,
            participant=participant,
            request_data=request_data,
        )
        payload = {"status": "error", "html": html}
    return Response(json.dumps(payload), status=status, mimetype="application/json")


__all__ = ["error_response", "success_response"]
