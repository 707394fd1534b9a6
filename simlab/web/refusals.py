"""Refusals the server makes to protect itself, in Dallinger's JSON error envelope.

A write that could not be made durable (``JournalFailed``) and a write past an
admission limit (``simlab.domain.admission``) are answered in the shape every
Dallinger client reads (``{"status": "error", "html": ..., "message": ...}``),
with ``Retry-After`` when waiting helps (503) — never a 500 and never a bare
text a client cannot parse.
"""

from __future__ import annotations

from quart import Response

from .dallinger.wire import JSON, dumps, error_page

#: Seconds a client is told to wait before trying a refused write again.
RETRY_AFTER = 5


def refusal_body(message: str) -> bytes:
    """The envelope's bytes for ``message``."""
    page = error_page(message, message, {})
    return dumps({"status": "error", "html": page, "message": message}).encode()


def refusal_headers(status: int, retry_after: int | None = RETRY_AFTER) -> list[tuple[bytes, bytes]]:
    """ASGI headers of a refusal (``Retry-After`` for 503 and 429)."""
    headers = [(b"content-type", JSON.encode())]
    if status in (429, 503) and retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    return headers


def refusal(message: str, status: int = 503, retry_after: int | None = RETRY_AFTER) -> Response:
    """The Quart response of a refusal."""
    headers = {k.decode(): v.decode() for k, v in refusal_headers(status, retry_after)}
    return Response(refusal_body(message), status=status, headers=headers)


def durability_message(cause: str) -> str:
    """What a client is told when its write (or what it read) could not be made durable."""
    return f"durable storage failed: {cause}; the change was not kept, try again later"
