"""ASGI's callable types, as Starlette spells them (``starlette.types``), for every ASGI app here.

A scope and a message are plain dicts by the ASGI spec; what is typed is the
shape of the calls, so an app, a middleware and a server agree on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["ASGIApp", "Message", "Receive", "Scope", "Send"]
