"""``GET /health``: the trivial endpoint the transmit benchmark measures as its ceiling.

Not part of either upstream API; it does no domain work, so its throughput is
what the web stack itself allows on the same server process.
"""

from __future__ import annotations

from quart import Blueprint, Response

BODY = b'{"status": "ok"}'


def health_blueprint() -> Blueprint:
    bp = Blueprint("health", "simlab.web.health")

    @bp.route("/health", methods=["GET"])
    async def health() -> Response:
        return Response(BODY, content_type="application/json")

    return bp
