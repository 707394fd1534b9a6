"""HTTP/1.1 reason phrases on every response hypercorn sends (``HTTP/1.1 400 Bad Request``).

hypercorn's h11 protocol builds each ``h11.Response`` without a reason, so the
status line reads ``HTTP/1.1 400 `` and clients that print it say so: requests'
``raise_for_status()`` gives ``400 Client Error:  for url``.  The servers simlab
stands in for (oTree on uvicorn, Dallinger on gunicorn) send the standard phrase.
ASGI has no field for it, so the phrase is added where the status line is built:
``ReasonPhraseH11Protocol`` fills in ``http.HTTPStatus``'s phrase, and
``install()`` makes hypercorn's protocol wrapper use it for HTTP/1.1 connections.
"""

from __future__ import annotations

import http
from typing import Any

import h11
import hypercorn.protocol
from hypercorn.protocol.h11 import H11Protocol

#: status code -> standard reason phrase, as bytes for h11.
PHRASES = {status.value: status.phrase.encode("ascii") for status in http.HTTPStatus}


def with_reason(event: Any) -> Any:
    """``event`` with the standard reason phrase if it is a response without one.

    The event was made by hypercorn for this one send, so the phrase is set on it
    in place (h11 events are frozen dataclasses; making a new one would validate
    every header again on the hot path).
    """
    if isinstance(event, (h11.Response, h11.InformationalResponse)) and not event.reason:
        phrase = PHRASES.get(event.status_code)
        if phrase is not None:
            object.__setattr__(event, "reason", phrase)
    return event


class ReasonPhraseH11Protocol(H11Protocol):
    """hypercorn's HTTP/1.1 protocol, with reason phrases in status lines."""

    async def _send_h11_event(self, event: Any) -> None:
        await super()._send_h11_event(with_reason(event))


def install() -> None:
    """Serve HTTP/1.1 through ``ReasonPhraseH11Protocol`` (idempotent; hypercorn looks the class up per connection)."""
    hypercorn.protocol.H11Protocol = ReasonPhraseH11Protocol  # type: ignore[misc]
