"""Dallinger's wire format: the success envelope, the error envelope and its HTML page.

Reproduces Dallinger 12.4.0 (spec section 3): ``json.dumps`` with its default
separators, datetimes as naive ``isoformat()`` (microseconds dropped when zero),
and errors as ``{"status": "error", "html": <error page>}`` whose page carries a
``form#error-response`` with the hidden ``error_type`` input that Dallinger's
JavaScript client reads.  simlab also adds the message as ``"message"``, which
the spec allows.  Every JSON text escapes ``<``, ``>`` and ``&`` (``jsontext``):
the message echoes the caller's input.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from quart import Response

from .. import jsontext
from ...errors import WebError

JSON = "application/json"


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "__json__"):
        return value.__json__()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data: Any) -> str:
    """Dallinger's ``json.dumps`` text, with ``<``, ``>``, ``&`` escaped (``jsontext``)."""
    return jsontext.dumps(data, default=_default)


def success(**payload: Any) -> Response:
    """``{"status": "success", ...payload}`` with status 200."""
    body: dict[str, Any] = {"status": "success"}
    body.update(payload)
    return Response(dumps(body), status=200, content_type=JSON)


class DallingerError(WebError):
    """An error answered in Dallinger's envelope; raised by handlers, rendered by the app."""

    def __init__(
        self,
        error_type: str,
        *,
        status: int = 400,
        error_text: str = "",
        participant: Any = None,
        error_code: str | None = None,
    ) -> None:
        super().__init__(error_type)
        self.error_type = error_type
        self.status = status
        self.error_text = error_text
        self.participant = participant
        self.error_code = error_code


def error_page(
    error_type: str,
    error_text: str | None,
    identity: dict[str, Any],
    contact: str = "",
    request_data: str = "",
) -> str:
    """Dallinger's ``error.html``: the text, the ``form#error-response`` and the error type."""
    if error_text is None:
        error_text = "There has been an error and so you are unable to continue, sorry!"
    e = {k: escape("" if v is None else str(v), quote=True) for k, v in identity.items()}
    etype = escape(error_type, quote=True)
    etext = escape(error_text, quote=True)
    contact_line = f"<p>Please contact {escape(contact)} if you have questions.</p>" if contact else ""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n"
        "<body>\n<div class=\"main_div\">\n<h1>Sorry, there was an error</h1>\n"
        f"<p id=\"error-text\"><em>{etext}</em></p>\n"
        "<form id=\"error-response\" action=\"/handle-error\" method=\"POST\">\n"
        "<p>Please tell us what you were doing when the error happened.</p>\n"
        "<textarea name=\"error_feedback\" id=\"error_feedback\" rows=\"4\" cols=\"50\"></textarea>\n"
        f"<input type=\"hidden\" name=\"error_type\" value=\"{etype}\">\n"
        f"<input type=\"hidden\" name=\"error_text\" value=\"{etext}\">\n"
        f"<input type=\"hidden\" name=\"hit_id\" value=\"{e.get('hit_id', '')}\">\n"
        f"<input type=\"hidden\" name=\"assignment_id\" value=\"{e.get('assignment_id', '')}\">\n"
        f"<input type=\"hidden\" name=\"worker_id\" value=\"{e.get('worker_id', '')}\">\n"
        f"<input type=\"hidden\" name=\"participant_id\" value=\"{e.get('participant_id', '')}\">\n"
        f"<input type=\"hidden\" name=\"request_data\" value=\"{escape(request_data, quote=True)}\">\n"
        "<button type=\"submit\" class=\"btn btn-primary\">Submit</button>\n"
        "</form>\n"
        f"<p>Error type: {etype}</p>\n{contact_line}"
        "</div>\n</body>\n</html>\n"
    )


def participant_identity(participant: Any, form: Any = None) -> dict[str, Any]:
    """The ids the error page carries: the participant's, else the request form's."""
    if participant is not None:
        return {
            "hit_id": participant.hit_id,
            "assignment_id": participant.assignment_id,
            "worker_id": participant.worker_id,
            "participant_id": participant.id,
        }
    form = form or {}
    pid = form.get("participant_id", "")
    return {
        "hit_id": form.get("hit_id", ""),
        "assignment_id": form.get("assignment_id", ""),
        "worker_id": form.get("worker_id", ""),
        "participant_id": pid if str(pid).isdigit() else "",
    }


def error_response(err: DallingerError, contact: str = "", form: Any = None) -> Response:
    """The JSON error envelope for ``err``."""
    page = error_page(err.error_type, err.error_text, participant_identity(err.participant, form), contact)
    body: dict[str, Any] = {"status": "error", "html": page, "message": err.error_type}
    if err.error_code:
        body["error_code"] = err.error_code
    return Response(dumps(body), status=err.status, content_type=JSON)


def simple_error(message: str, status: int = 500) -> Response:
    """``{"status": "error", "message": ...}``, the shape only ``/launch`` uses."""
    return Response(dumps({"status": "error", "message": message}), status=status, content_type=JSON)


def bare_error() -> Response:
    """403 ``{"status": "error"}`` labelled text/html, as Dallinger answers "no network".

    Dallinger builds this with a bare Flask ``Response``, hence the HTML content type;
    clients check the status and body, so simlab keeps both exactly.
    """
    return Response(json.dumps({"status": "error"}), status=403, content_type="text/html; charset=utf-8")
