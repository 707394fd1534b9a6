"""``/ad?generate_tokens=1``: the redirect that gives a participant fresh recruitment ids.

Dallinger's "Single recruitment link" (``/launch`` prints it) asks the ad to
redirect to itself with random ``hitId``, ``assignmentId`` and ``workerId``
filled in where missing.  The redirect is built from the *decoded* query, so
it must be encoded again: a value holding ``#``, ``&`` or ``=`` (sent as
``%23``, ``%26``, ``%3D``) stays inside its own parameter, and a CR/LF
(``%0d%0a``) stays percent-encoded instead of reaching the ``Location``
header.  Dallinger 12.4.0 builds it with Flask's ``url_for(**params)``, which
encodes values but gives parameters named ``_anchor``, ``_external``,
``_scheme`` or ``_method`` their ``url_for`` meaning (``?_anchor=x`` moves the
URL's tail into a fragment); here every parameter is data.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ...domain.recruiters import random_id

#: The recruitment ids a generated link fills in (Dallinger's MTurk-style ``entry_params``).
ENTRY_PARAMS = ("hitId", "assignmentId", "workerId")
_YES = ("1", "true", "yes")


def wants_tokens(args: Mapping[str, str], configured: Any) -> bool:
    """Whether the ad should generate ids: ``generate_tokens`` in the query (Dallinger) or in the config."""
    if "generate_tokens" in args:
        return args["generate_tokens"].strip().lower() in _YES
    return configured is True or str(configured).strip().lower() in _YES


def token_redirect(args: Mapping[str, str], configured: Any, rng: random.Random) -> str | None:
    """The ``/ad`` URL with generated ids, or None when the ad should render as asked.

    With the config key alone (no ``generate_tokens`` in the query), a query that
    already names a ``hitId`` is served as it is, so the redirect happens once.
    """
    if not wants_tokens(args, configured):
        return None
    if "generate_tokens" not in args and args.get("hitId"):
        return None
    params = {key: value for key, value in args.items() if key != "generate_tokens"}
    for name in ENTRY_PARAMS:
        if not params.get(name):
            params[name] = random_id(rng)
    return "/ad?" + urlencode(params)
