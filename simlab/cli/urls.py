"""Is a ``--url`` something a command can drive?  One line saying why not."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be driven (one line), or None once a server answered there (any status)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"--url must be an http(s) URL such as http://127.0.0.1:5000, got {url!r}"
    try:
        with httpx.Client(timeout=10) as client:
            client.get(url.rstrip("/") + "/")
    except httpx.HTTPError as exc:
        return f"cannot reach --url {url}: {type(exc).__name__}: {exc or 'no answer'}"
    return None
