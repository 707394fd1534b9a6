"""The floor for the hot routes: a bare ASGI app on simlab's own hypercorn-trio serving.

It reads the request body and answers ``{}`` as JSON, nothing else, served by
hypercorn's trio worker with ``simlab serve``'s configuration
(``simlab.server.serving.hypercorn_config``, reason phrases included); a route at
this server's speed costs nothing above the stack.

    python -m simlab.bench.bare_asgi PORT
"""

from __future__ import annotations

import sys
from typing import Any

import trio

HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"2")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": b"{}"})


def main(port: int) -> None:
    from hypercorn.trio import serve

    from simlab.config import Settings
    from simlab.server import reason_phrases
    from simlab.server.serving import hypercorn_config

    reason_phrases.install()
    trio.run(lambda: serve(app, hypercorn_config(Settings(port=port))))  # type: ignore[arg-type]


if __name__ == "__main__":
    main(int(sys.argv[1]))
