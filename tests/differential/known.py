"""Differences between simlab and the real servers that stay, each with its reason.

``RULES`` are deliberate differences of a whole class of answers (applied to simlab's
normalized answer before comparing); ``KNOWN`` lists single steps, keyed by
``(scenario, step index)`` of ``dallinger_sequences`` / ``otree_sequences``, naming a
``REASONS`` entry.  ``table()`` renders README's fidelity table from the sequences and
these lists (a test keeps README in step).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Answer = dict[str, Any]

REASONS = {
    "500": "Dallinger answers 500 (an HTML page) to this bad input; simlab answers 400/403 in the error "
    "envelope, with the route's own \"does not exist\" or a message naming the parameter (spec 9.3, 9.14)",
    "pending": "`status=pending` lists the rows as selected (pending); Dallinger serializes them after "
    "receiving them, so they show `received` (spec 9.2)",
    "recruiter": "an unknown `recruiter` is a 400; Dallinger stores any name, which later breaks "
    "`/worker_complete` (spec 9)",
    "details": "invalid `details` JSON is a 400 naming it; Dallinger's node creation fails inside its try "
    "block and answers its bare 403 `{\"status\": \"error\"}`",
    "notify": "an unknown participant (`participant_id`, Prolific `session_id`) is a 400; Dallinger answers "
    "success and its rq worker fails later (or ignores it)",
    "long-what": "`what`/`to_whom` of more digits than int() takes: Dallinger looks the digits up as a class "
    "name (\"... not in experiment.known_classes\"); simlab treats an all-digit value as the id it is",
    "connect": "Dallinger 12.4.0's connect route never connects and answers 200 with an HTML page "
    "(spec 4.10, 9.1); simlab connects and answers the new vectors, or the route's 400",
    "ad_address": "removed in Dallinger 12.4.0 (404); simlab still serves it for older clients",
    "otree-typeerror": "oTree answers a missing, unexpected or mistyped field with its Python TypeError text "
    "and 403; simlab answers 400 naming the field",
    "otree-500": "oTree answers 500 (or drops the connection); simlab answers 400/404 naming the field or room",
    "otree-lenient": "oTree accepts a wrong type here (e.g. `vars: []`); simlab answers 400 naming the field",
    "otree-methods": "oTree answers any method on its GET endpoints; simlab answers 405 with `Allow`",
    "default-pages": "simlab gives an experiment without templates default pages (`/instructions`, ...); "
    "Dallinger answers 404 for a page the experiment lacks (500, or a dropped connection, for `/ad` and `/consent`)",
    "sns": "Dallinger's SNS listener confirms a subscription by calling AWS (a 500 offline); simlab answers "
    "success and calls no one",
    "utf8": "invalid UTF-8 in a form is a 400; Dallinger decodes it as U+FFFD and stores that (spec 9.14)",
    "client": "simlab serves its own `dallinger2.js` (the same `dallinger.*` API, written from the spec, "
    "without jQuery or reqwest), not Dallinger's file",
    "room-session-vars": "`POST /api/session_vars` with `room_name` is oTree 3.0's form, dropped (404) by "
    "oTree 6.0.15; simlab keeps it for 3.0 clients",
}


def _message_key(real: Answer, ours: Answer) -> Answer:
    body = ours["body"]
    if isinstance(body, dict) and "html" in body and "message" in body and "message" not in real["body"]:
        return {**ours, "body": {k: v for k, v in body.items() if k != "message"}}
    return ours


def _unlabelled(real: Answer, ours: Answer) -> Answer:
    if real["content_type"] == "" and ours["content_type"] in ("application/json", "text/plain;charset=utf-8"):
        is_text = isinstance(ours["body"], dict) and set(ours["body"]) == {"text"}
        if ours["content_type"] == ("text/plain;charset=utf-8" if is_text else "application/json"):
            return {**ours, "content_type": ""}
    return ours


#: (name, reason, adjust(real, simlab) -> simlab answer as compared)
RULES: tuple[tuple[str, str, Callable[[Answer, Answer], Answer]], ...] = (
    (
        "message key",
        "Dallinger error envelopes carry an extra `message` key (the error type; the spec allows it)",
        _message_key,
    ),
    (
        "oTree content types",
        "oTree sends some answers with no Content-Type (`get_session`, `session_configs`, most plain-text "
        "errors); simlab labels JSON `application/json` and text `text/plain; charset=utf-8`",
        _unlabelled,
    ),
)

KNOWN: dict[tuple[str, int], str] = {
    ("launch and summary", 6): "500",
    ("launch and summary", 7): "500",
    ("nodes and infos", 3): "500",
    ("nodes and infos", 4): "500",
    ("nodes and infos", 12): "500",
    ("participants", 9): "500",
    ("participants", 10): "500",
    ("participants", 11): "500",
    ("probes in parameters", 1): "details",
    ("probes in parameters", 2): "notify",
    ("an unknown recruiter (last: Dallinger creates a participant here, simlab does not)", 0): "recruiter",
    ("tracking, notifications and lookups", 1): "500",
    ("tracking, notifications and lookups", 9): "500",
    ("tracking, notifications and lookups", 11): "ad_address",
    ("vectors, connect and transformations", 4): "connect",
    ("vectors, connect and transformations", 5): "connect",
    ("vectors, connect and transformations", 6): "connect",
    ("vectors, connect and transformations", 7): "connect",
    ("otree: bad requests", 0): "otree-typeerror",
    ("otree: bad requests", 1): "otree-typeerror",
    ("otree: bad requests", 2): "otree-typeerror",
    ("otree: bad requests", 3): "otree-500",
    ("otree: bad requests", 4): "otree-500",
    ("otree: bad requests", 6): "otree-500",
    ("otree: bad requests", 7): "otree-500",
    ("otree: bad requests", 8): "otree-lenient",
    ("otree: bad requests", 9): "otree-typeerror",
    ("otree: bad requests", 11): "otree-methods",
    ("questions and completion", 4): "500",
    ("questions and completion", 7): "500",
    ("questions and completion", 8): "500",
    ("transmit and receive", 2): "500",
    ("transmit and receive", 10): "long-what",
    ("transmit and receive", 11): "long-what",
    ("transmit and receive", 13): "pending",
    ("transmit and receive", 17): "500",
    ("transmit and receive", 22): "500",
    ("otree: vars", 7): "room-session-vars",
    ("states, forbidden reads and pages", 6): "500",
    ("site routes and webhooks", 6): "default-pages",
    ("site routes and webhooks", 9): "sns",
    ("site routes and webhooks", 10): "500",
    ("site routes and webhooks", 11): "notify",
    ("site routes and webhooks", 13): "500",
    ("site routes and webhooks", 14): "client",
    ("site routes and webhooks", 16): "default-pages",
    ("site routes and webhooks", 18): "500",
    ("neighbors and class-named transmit", 5): "500",
    ("edge values and bad bytes", 4): "500",
    ("edge values and bad bytes", 5): "500",
    ("edge values and bad bytes", 11): "utf8",
}


def adjust(real: Answer, ours: Answer) -> Answer:
    for _name, _reason, rule in RULES:
        ours = rule(real, ours)
    return ours


def route_of(scenario: Any, step: Any) -> str | None:
    """The route (of ``scenario.routes``) a step calls, e.g. ``GET /node/<id>/infos``."""
    for route in scenario.routes:
        methods, _, rule = route.partition(" ")
        pattern = re.escape(rule).replace(r"\<", "<").replace(r"\>", ">").replace("<path>", ".+")
        pattern = re.sub(r"<[^>]+>", "[^/]+", pattern)
        if step.method in methods.split("|") and re.fullmatch(pattern + "/?", step.path):
            return str(route)
    return None


def table(scenarios: Any) -> str:
    """README's one table: route -> sequences (steps) -> differences, then the reasons."""
    rows: dict[str, dict[str, Any]] = {}
    for scenario in scenarios:
        for index, step in enumerate(scenario.steps):
            route = route_of(scenario, step) or "?"
            row = rows.setdefault(route, {"sequences": {}, "reasons": []})
            row["sequences"][scenario.name] = row["sequences"].get(scenario.name, 0) + 1
            reason = KNOWN.get((scenario.name, index))
            if reason is not None and reason not in row["reasons"]:
                row["reasons"].append(reason)
    lines = ["| Route | Sequences (steps) | Differences |", "|---|---|---|"]
    for route, row in rows.items():
        sequences = ", ".join(f"{name} ({n})" for name, n in row["sequences"].items())
        differences = ", ".join(f"**{r}**" for r in row["reasons"]) or "none"
        lines.append(f"| `{route}` | {sequences} | {differences} |")
    lines += ["", "Reasons:", ""]
    lines += [f"- **{key}**: {reason}." for key, reason in REASONS.items()]
    lines += ["", "Differences of whole classes of answers, on every route:", ""]
    lines += [f"- **{name}**: {reason}." for name, reason, _rule in RULES]
    return "\n".join(lines) + "\n"
