"""The web layer: a Quart-trio app speaking Dallinger's web API (and oTree's REST API).

``create_app`` is the composition root of a server: it builds the experiment on
its store, the runtime handlers share, and registers one blueprint per API and
the error handlers that turn exceptions into each API's error shape.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
