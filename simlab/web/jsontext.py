"""The JSON text of every answer of both APIs, safe to embed in HTML.

Error answers echo the caller's input (a parameter, an id, a JSON field).  A
client that puts such a message into a page, or a browser that sniffs a JSON
answer as HTML, would run a ``<script>`` that came in as input.  So ``<``, ``>``
and ``&`` never appear literally in simlab's JSON: they are written as the JSON
escapes ``\\u003c``, ``\\u003e`` and ``\\u0026``, which every JSON parser reads back
as the same characters (the parsed answer is the one Dallinger or oTree gives).
These characters occur only inside JSON strings, so the replacement is exact.
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def html_safe(text: str) -> str:
    """``text`` (JSON) with ``<``, ``>`` and ``&`` escaped; unchanged (and not copied) without them."""
    if "<" in text or ">" in text or "&" in text:
        return text.translate(_ESCAPES)
    return text


def dumps(data: Any, **kwargs: Any) -> str:
    """``json.dumps(data, **kwargs)``, made ``html_safe``."""
    return html_safe(json.dumps(data, **kwargs))
