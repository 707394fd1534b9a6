"""The frame of simlab's own HTML pages (rooms, start links, the dashboard): one shared stylesheet."""

from __future__ import annotations

from html import escape

from quart import Response

HTML = "text/html; charset=utf-8"
STYLESHEET = "/static/css/simlab-pages.css"


def html_page(title: str, body: str, *, refresh: int | None = None, status: int = 200) -> Response:
    """A whole page: ``body`` (trusted HTML) inside ``<main>``, styled by :data:`STYLESHEET`."""
    meta = f'<meta http-equiv="refresh" content="{refresh}">\n' if refresh else ""
    return Response(
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{meta}'
        f'<title>{escape(title)}</title>\n<link rel="stylesheet" href="{STYLESHEET}">\n</head>\n'
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        status=status,
        content_type=HTML,
    )
