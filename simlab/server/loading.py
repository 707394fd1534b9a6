"""The server while its data folder loads: bound and answering, not refusing connections.

``simlab serve`` binds its port first, then rebuilds the store from SQLite in
chunks.  Until the last chunk is in, this ASGI app stands in front of the real
one: ``GET /health`` answers 503 with how far loading got, every other request
503 with ``Retry-After``, so load balancers and bots wait instead of seeing
connection errors.  Lifespan events go straight through (the journal writer
starts at once; it has nothing to write until requests come in).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import trio

from ..asgi import ASGIApp, Receive, Scope, Send
from ..store import GraphStore
from ..store import sqlite as db_file

logger = logging.getLogger("simlab.server")

ClassFor = Callable[[str, dict[str, Any]], type]


class LoadingGate:
    """ASGI app: 503 with progress until ``load`` has filled the store, then the real app."""

    def __init__(self, app: ASGIApp, db: sqlite3.Connection, store: GraphStore, class_for: ClassFor) -> None:
        self.app = app
        self.db = db
        self.store = store
        self.class_for = class_for
        self.total = db_file.estimated_rows(db)
        self.loaded = 0
        self.ready = False
        self.error: str | None = None
        self.seconds = 0.0

    def progress(self) -> dict[str, Any]:
        fraction = 1.0 if self.ready else min(0.99, self.loaded / self.total) if self.total else 0.0
        return {"status": "loading", "loaded_rows": self.loaded, "total_rows": self.total, "progress": round(fraction, 3)}

    async def load(self) -> None:
        """Rebuild the store, yielding to the event loop between chunks; then open the gate.

        A file that cannot be read sets ``error`` (one line naming it) and raises.
        """
        began = time.perf_counter()
        try:
            for count in db_file.load_steps(self.db, self.store, self.class_for, frozen=True):
                self.loaded = count
                await trio.sleep(0)
        except db_file.DataFileError as exc:
            self.error = str(exc)
            raise
        self.seconds = time.perf_counter() - began
        self.ready = True
        logger.info("loaded %d rows in %.1f s", self.loaded, self.seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.ready or scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1013})
            return
        body = json.dumps(self.progress()).encode()
        headers = [(b"content-type", b"application/json"), (b"retry-after", b"1"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})
