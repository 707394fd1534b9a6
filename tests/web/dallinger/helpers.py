"""Shared helpers for the Dallinger route tests: the builder, key lists, error parsing."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser
from typing import Any

import httpx

BASE = "http://127.0.0.1:5000"

# Spec section 5: the exact keys, in order, of every model's JSON.
SHARED = [
    "id",
    "creation_time",
    "failed",
    "failed_reason",
    "time_of_death",
    "property1",
    "property2",
    "property3",
    "property4",
    "property5",
    "details",
]
PARTICIPANT_KEYS = SHARED + [
    "type",
    "recruiter",
    "assignment_id",
    "hit_id",
    "mode",
    "end_time",
    "base_pay",
    "bonus",
    "status",
    "object_type",
    "entry_information",
]
NETWORK_KEYS = SHARED + [
    "type",
    "max_size",
    "full",
    "role",
    "n_pending_infos",
    "n_completed_infos",
    "n_failed_infos",
    "n_alive_nodes",
    "n_failed_nodes",
    "object_type",
]
NODE_KEYS = SHARED + ["type", "network_id", "participant_id", "object_type"]
VECTOR_KEYS = SHARED + ["origin_id", "destination_id", "network_id", "object_type"]
INFO_KEYS = SHARED + ["type", "origin_id", "network_id", "contents", "object_type"]
TRANSMISSION_KEYS = SHARED + [
    "vector_id",
    "origin_id",
    "destination_id",
    "info_id",
    "network_id",
    "receive_time",
    "status",
    "object_type",
]
TRANSFORMATION_KEYS = SHARED + ["info_in_id", "info_out_id", "node_id", "network_id", "object_type"]


class _ErrorForm(HTMLParser):
    """Collects the hidden inputs of ``form#error-response`` in Dallinger's error page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.found_form = False
        self.inputs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == "error-response":
            self.in_form = self.found_form = True
        elif tag == "input" and self.in_form and a.get("name"):
            self.inputs[a["name"] or ""] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def error_form(html: str) -> dict[str, str]:
    """The hidden inputs of the error page's form (values unescaped, as a browser reads them)."""
    parser = _ErrorForm()
    parser.feed(html)
    assert parser.found_form, "error page has no form#error-response"
    return parser.inputs


def assert_error(
    resp: httpx.Response, status: int, error_type: str | None = None, *, error_text: str | None = None
) -> dict[str, str]:
    """Assert Dallinger's JSON error envelope; returns the form's hidden inputs."""
    assert resp.status_code == status, (resp.status_code, resp.text[:500])
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["status"] == "error"
    assert set(body) <= {"status", "html", "message", "error_code"}
    fields = error_form(body["html"])
    if error_type is not None:
        assert fields["error_type"] == error_type
        assert body["message"] == error_type
    if error_text is not None:
        assert fields["error_text"] == error_text
    return fields


def assert_param_error(resp: httpx.Response, *words: str) -> str:
    """A 400 in the normal envelope whose message names the request and each of ``words``."""
    fields = assert_error(resp, 400)
    message = fields["error_type"]
    assert message.startswith(f"{resp.request.url} {resp.request.method} request, "), message
    for word in words:
        assert word in message, (word, message)
    return message


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return sorted(r["id"] for r in rows)


class Builder:
    """Makes valid participants, nodes, infos and transmissions through the API."""

    def __init__(self, client: httpx.AsyncClient, exp: Any) -> None:
        self.client = client
        self.exp = exp
        self.store = exp.store
        self._seq = itertools.count(1)

    async def participant(
        self, *, mode: str = "debug", recruiter: str | None = None, assignment: str | None = None
    ) -> dict[str, Any]:
        n = next(self._seq)
        url = f"/participant/w{n}/h{n}/{assignment or f'a{n}'}/{mode}"
        resp = await self.client.post(url, params={"recruiter": recruiter} if recruiter else None)
        assert resp.status_code == 200, resp.text
        return resp.json()["participant"]

    async def node(self, participant_id: int, **data: str) -> dict[str, Any]:
        resp = await self.client.post(f"/node/{participant_id}", data=data or None)
        assert resp.status_code == 200, resp.text
        return resp.json()["node"]

    async def agent(self, **kwargs: Any) -> dict[str, Any]:
        participant = await self.participant(**kwargs)
        return await self.node(participant["id"])

    async def chain(self, n: int) -> list[dict[str, Any]]:
        return [await self.agent() for _ in range(n)]

    async def info(self, node_id: int, contents: str = "hello", **data: str) -> dict[str, Any]:
        resp = await self.client.post(f"/info/{node_id}", data={"contents": contents, **data})
        assert resp.status_code == 200, resp.text
        return resp.json()["info"]

    async def transmit(self, node_id: int, **data: str) -> list[dict[str, Any]]:
        resp = await self.client.post(f"/node/{node_id}/transmit", data=data or None)
        assert resp.status_code == 200, resp.text
        return resp.json()["transmissions"]

    async def receive(self, node_id: int) -> list[dict[str, Any]]:
        resp = await self.client.get(f"/node/{node_id}/transmissions")
        assert resp.status_code == 200, resp.text
        return resp.json()["transmissions"]

    async def get(self, url: str, key: str, **params: str) -> Any:
        resp = await self.client.get(url, params=params or None)
        assert resp.status_code == 200, resp.text
        return resp.json()[key]

    def counts(self) -> dict[str, int]:
        """Row counts per table, to show that a refused request wrote nothing."""
        return self.store.statistics()
