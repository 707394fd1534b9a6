"""The floor for the hot routes: a bare ASGI app on simlab's own hypercorn-trio serving.

It reads the request body and answers ``{}`` as JSON, nothing else, served by
``simlab.serving.serve`` with the same hypercorn configuration as ``simlab
serve``; a route at this server's speed costs nothing above the stack.

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
    from simlab.config import Settings
    from simlab.serving import serve

    settings = Settings(port=port, gc_freeze_interval=0)
    trio.run(lambda: serve(app, settings, handle_signals=True))


if __name__ == "__main__":
    main(int(sys.argv[1]))
