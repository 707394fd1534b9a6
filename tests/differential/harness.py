"""Differential testing: run scripted request sequences, record answers, compare them.

A sequence is a list of ``Step``s sent in order to one server.  A step may save
values from its answer (``save={"p1": "participant.id"}``) that later steps use in
their path, query, form or JSON body (``"/node/{p1}"``).  ``run`` sends every
sequence (in order, on one server) and returns the *transcript*: each request as
sent and each answer as observed (status, content type, JSON or text body).

``normalize`` turns an answer into what must be equal between the real server and
simlab: ids renumbered per table by first appearance (PostgreSQL sequences skip
values after failed inserts, so raw ids are not comparable), timestamps and oTree's
random codes replaced by markers, the server's base URL by ``BASE``, and
Dallinger's HTML error page by the two fields clients read from it (``error_type``,
``error_text``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
import trio

#: JSON keys holding a reference to a row of the given Dallinger table.
ID_KEYS = {
    "participant_id": "Participant",
    "network_id": "Network",
    "origin_id": "Node",
    "destination_id": "Node",
    "node_id": "Node",
    "info_id": "Info",
    "info_in_id": "Info",
    "info_out_id": "Info",
    "vector_id": "Vector",
}
TIME_KEYS = {"creation_time", "time_of_death", "receive_time", "end_time", "created_at"}
#: oTree's random codes (session, participant) and the join code inside URLs.
CODE_KEYS = {"code", "session_code"}
_BASE = re.compile(r"https?://(127\.0\.0\.1|localhost)(:\d+)?")
_URL_CODE = re.compile(r"/(join|SessionStartLinks|InitializeParticipant|OutOfRangeNotification|p)/(?!code#)[a-z0-9]+")
#: HotAir's random ad URL tokens (``/launch``'s recruitment message)
_AD_TOKEN = re.compile(r"\b(assignmentId|hitId|workerId)=[A-Z0-9]{6}\b")
_VAR = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
TEXT_LIMIT = 400


@dataclass(frozen=True)
class Step:
    """One request; ``{name}`` in path/query/form/json is a value saved by an earlier step."""

    method: str
    path: str
    query: Mapping[str, str] | None = None
    form: Mapping[str, str] | None = None
    json: Any = None
    raw: bytes | None = None
    headers: Mapping[str, str] | None = None
    save: Mapping[str, str] = field(default_factory=dict)
    #: seconds the real server needs first (Dallinger's rq worker runs some events later)
    wait: float = 0.0
    #: the answer's lists are sets (Dallinger builds them with ``set()``): compare them sorted
    unordered: bool = False
    note: str = ""


def get(path: str, **query: str) -> Step:
    return Step("GET", path, query=query or None)


def post(path: str, form: Mapping[str, str] | None = None, **kwargs: Any) -> Step:
    return Step("POST", path, form=form, **kwargs)


@dataclass(frozen=True)
class Scenario:
    """A named sequence of steps (what the README table calls a sequence)."""

    name: str
    routes: tuple[str, ...]
    steps: tuple[Step, ...]


def _fill(value: Any, saved: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return _VAR.sub(lambda m: str(saved[m.group(1)]) if m.group(1) in saved else m.group(0), value)
    if isinstance(value, Mapping):
        return {_fill(k, saved): _fill(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, saved) for v in value]
    return value


def _pick(body: Any, dotted: str) -> Any:
    """``a.0.b`` of the body; ``...@tail``: the last path segment of that URL (a join code)."""
    dotted, _, op = dotted.partition("@")
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body.rsplit("/", 1)[1] if op == "tail" else body


def answer_of(resp: httpx.Response, *, location: bool = False) -> dict[str, Any]:
    """What a transcript keeps of an answer (with ``location``: a redirect's Location too)."""
    content_type = resp.headers.get("content-type", "")
    body: Any
    try:
        body = resp.json() if "json" in content_type or resp.text[:1] in ("{", "[") else None
    except ValueError:
        body = None
    if body is None:
        text = resp.text
        body = {"text": text[:TEXT_LIMIT] + ("..." if len(text) > TEXT_LIMIT else "")}
        if "html" in content_type:
            body = {"html_page": True}
    elif isinstance(body, dict) and isinstance(body.get("html"), str):
        body = {**body, "html": error_fields(body["html"])}
    answer = {"status": resp.status_code, "content_type": content_type, "body": body}
    if location and "location" in resp.headers:
        answer["location"] = resp.headers["location"]
    return answer


async def run(
    client: httpx.AsyncClient, scenarios: Sequence[Scenario], *, real: bool = False, location: bool = False
) -> dict[str, Any]:
    """Send every scenario to ``client``, in order; the transcript (``location``: keep redirects' Location)."""
    saved: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for scenario in scenarios:
        records = []
        for step in scenario.steps:
            if real and step.wait:
                await trio.sleep(step.wait)
            request = {
                "method": step.method,
                "path": _fill(step.path, saved),
                "query": _fill(step.query, saved),
                "form": _fill(step.form, saved),
                "json": _fill(step.json, saved),
            }
            kwargs: dict[str, Any] = {"params": request["query"], "headers": dict(step.headers or {})}
            if step.raw is not None:
                kwargs["content"] = step.raw
            elif step.json is not None:
                kwargs["json"] = request["json"]
            elif step.form is not None:
                kwargs["data"] = request["form"]
            try:
                resp = await client.request(step.method, request["path"], **kwargs)
            except httpx.TransportError as exc:  # e.g. oTree drops the connection on an unhandled error
                answer = {"status": 0, "content_type": "", "body": {"transport_error": type(exc).__name__}}
            else:
                answer = answer_of(resp, location=location)
            for name, dotted in step.save.items():
                try:
                    saved[name] = _pick(answer["body"], dotted)
                except (KeyError, IndexError, TypeError):
                    raise RuntimeError(f"{scenario.name}: {step.method} {request['path']}: no {dotted} in {answer}") from None
            template = {"method": step.method, "path": step.path, "query": step.query, "form": step.form, "json": step.json}
            if step.unordered:
                template["unordered"] = True
            record = {
                "step": {k: v for k, v in template.items() if v is not None},
                "request": {k: v for k, v in request.items() if v is not None},
                "answer": answer,
            }
            records.append(abbreviated(record))
        out[scenario.name] = records
    return out


_DIGITS = re.compile(r"[0-9]{101,}")


def abbreviated(value: Any) -> Any:
    """``value`` with each run of more than 100 digits written ``<N digits>`` (transcripts stay small)."""
    if isinstance(value, str):
        return _DIGITS.sub(lambda m: f"<{len(m.group(0))} digits>", value)
    if isinstance(value, dict):
        return {abbreviated(k): abbreviated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [abbreviated(v) for v in value]
    return value


class _ErrorFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") in ("error_type", "error_text"):
            self.fields[a["name"] or ""] = a.get("value") or ""


def error_fields(html: str) -> dict[str, str]:
    """``error_type`` and ``error_text`` of Dallinger's error page (what its JS client reads)."""
    parser = _ErrorFields()
    parser.feed(html)
    return parser.fields


class Normalizer:
    """Renumbers ids per table and masks times and codes, consistently over one transcript."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, Any], str] = {}
        self.codes: dict[str, str] = {}

    def ref(self, table: str, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        key = (table, value)
        if key not in self.ids:
            self.ids[key] = f"{table}#{sum(1 for t, _ in self.ids if t == table) + 1}"
        return self.ids[key]

    def code(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value not in self.codes:
            self.codes[value] = f"code#{len(self.codes) + 1}"
        return self.codes[value]

    def text(self, value: str) -> str:
        """Known codes by their markers first (a redirect names the participant), then unknown codes in URLs."""
        value = _BASE.sub("BASE", value)
        for code, marker in self.codes.items():
            if len(code) >= 6:
                value = value.replace(code, marker)
        value = _URL_CODE.sub(lambda m: f"/{m.group(1)}/CODE", value)
        value = _AD_TOKEN.sub(lambda m: f"{m.group(1)}=TOKEN", value)
        return value

    def value(self, value: Any, key: str | None = None, table: str | None = None) -> Any:
        if isinstance(value, dict):
            own = value.get("object_type")
            return {k: self.value(v, k, own if isinstance(own, str) else None) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, key, table) for v in value]
        if key in TIME_KEYS and value is not None:
            return f"<{type(value).__name__} time>"
        if key == "id" and table is not None:
            return self.ref(table, value)
        if key in ID_KEYS:
            return self.ref(ID_KEYS[key], value)
        if key in CODE_KEYS:
            return self.code(value)
        if isinstance(value, str):
            return self.text(value)
        return value

    def answer(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        out = {
            "status": answer["status"],
            "content_type": answer["content_type"].replace(" ", "").lower(),
            "body": self.value(answer["body"]),
        }
        if "location" in answer:
            out["location"] = self.text(answer["location"])
        return out


def normalized(transcript: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Every answer of ``transcript`` normalized, in order (one ``Normalizer`` for all)."""
    norm = Normalizer()
    out: dict[str, list[dict[str, Any]]] = {}
    for name, records in transcript.items():
        answers = out[name] = []
        for record in records:
            answer = norm.answer(record["answer"])
            if record.get("step", {}).get("unordered"):
                answer["body"] = _sorted_lists(answer["body"])
            answers.append(answer)
    return out


def _sorted_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_lists(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def dumps(transcript: Any) -> str:
    return json.dumps(transcript, indent=1, sort_keys=False, ensure_ascii=False) + "\n"
