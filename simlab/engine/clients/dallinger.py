"""A typed client for Dallinger's experiment web API (spec: dallinger-api.md §4).

Every method sends form fields (Dallinger ignores JSON bodies), names its route with
ids templated out for stats, and returns the payload of the success envelope.
Errors raise :class:`~simlab.engine.clients.http.ApiError` carrying the ``error_type`` that
Dallinger hides in its HTML error page.  The one expected refusal, "no network
available" on node creation, raises :class:`NoNetworkAvailable` and is not counted
as an error.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx

from .http import ApiClient, ApiError

_ERROR_TYPE = re.compile(r"""name=["']error_type["'][^>]*?value=["']([^"']*)["']|value=["']([^"']*)["'][^>]*?name=["']error_type["']""")

Json = dict[str, Any]


class NoNetworkAvailable(ApiError):
    """``POST /node/<pid>`` answered 403 ``{"status": "error"}``: every network is full
    or already has this participant.  Dallinger's own clients treat it as "done"."""


def _bare_error(response: httpx.Response) -> bool:
    if response.status_code != 403:
        return False
    try:
        return response.json() == {"status": "error"}
    except ValueError:
        return False


def _node_check(response: httpx.Response) -> str | None:
    if response.is_success or _bare_error(response):
        return None
    return f"HTTP {response.status_code}"


def _props(details: Any = None, **properties: object) -> dict[str, str]:
    data = {k: str(v) for k, v in properties.items() if v is not None}
    if details is not None:
        data["details"] = json.dumps(details)
    return data


class DallingerClient(ApiClient):
    """Dallinger's participant-facing routes, one method each.

    Example::

        p = await bot.dallinger.create_participant("w1", "h1", "a1")
        node = await bot.dallinger.create_node(p["id"])
        await bot.dallinger.create_info(node["id"], "hello")
    """

    def error_message(self, response: httpx.Response) -> str:
        """Return the ``error_type`` from Dallinger's error page, or the body's start."""
        try:
            body = response.json()
        except ValueError:
            return response.text[:300]
        if isinstance(body, dict):
            page = body.get("html")
            if isinstance(page, str):
                match = _ERROR_TYPE.search(page)
                if match:
                    return html.unescape(match.group(1) or match.group(2) or "")
            if "message" in body:
                return str(body["message"])
        return response.text[:300]

    async def _json(self, method: str, path: str, *, name: str, **kw: Any) -> Json:
        response = await self.request(method, path, name=name, **kw)
        body: Json = response.json()
        return body

    # -- experiment ------------------------------------------------------------------
    async def launch(self) -> Json:
        """``POST /launch``: create the networks and open recruitment."""
        return await self._json("POST", "/launch", name="POST /launch")

    async def summary(self) -> Json:
        """``GET /summary``: participant counts by status and unfilled networks."""
        return await self._json("GET", "/summary", name="GET /summary")

    async def get_network(self, network_id: int) -> Json:
        """``GET /network/<id>``: the network JSON."""
        body = await self._json("GET", f"/network/{network_id}", name="GET /network/<id>")
        return dict(body["network"])

    # -- participants ----------------------------------------------------------------
    async def create_participant(
        self,
        worker_id: str,
        hit_id: str,
        assignment_id: str,
        mode: str = "debug",
        *,
        recruiter: str | None = None,
        fingerprint_hash: str | None = None,
    ) -> Json:
        """``POST /participant/<worker>/<hit>/<assignment>/<mode>``: sign up; return the participant."""
        params = {k: v for k, v in (("recruiter", recruiter), ("fingerprint_hash", fingerprint_hash)) if v}
        body = await self._json(
            "POST",
            f"/participant/{worker_id}/{hit_id}/{assignment_id}/{mode}",
            name="POST /participant/<worker>/<hit>/<assignment>/<mode>",
            params=params or None,
        )
        return dict(body["participant"])

    async def get_participant(self, participant_id: int) -> Json:
        """``GET /participant/<id>``."""
        body = await self._json("GET", f"/participant/{participant_id}", name="GET /participant/<id>")
        return dict(body["participant"])

    async def post_question(self, participant_id: int, question: str, response: str, number: int = 1) -> None:
        """``POST /question/<pid>``: store one questionnaire answer."""
        await self.request(
            "POST",
            f"/question/{participant_id}",
            name="POST /question/<id>",
            data={"question": question, "response": response, "number": str(number)},
        )

    async def worker_complete(self, participant_id: int) -> None:
        """``GET /worker_complete?participant_id=``: the participant finished."""
        await self.request("GET", "/worker_complete", name="GET /worker_complete", params={"participant_id": participant_id})

    async def worker_failed(self, participant_id: int) -> None:
        """``GET /worker_failed?participant_id=``: the participant gave up or failed."""
        await self.request("GET", "/worker_failed", name="GET /worker_failed", params={"participant_id": participant_id})

    # -- nodes -----------------------------------------------------------------------
    async def create_node(self, participant_id: int, *, details: Any = None, **properties: object) -> Json:
        """``POST /node/<pid>``: get a node; raise :class:`NoNetworkAvailable` when none is left."""
        name = "POST /node/<id>"
        response = await self.request(
            "POST", f"/node/{participant_id}", name=name, data=_props(details, **properties) or None, check=_node_check
        )
        if _bare_error(response):
            raise NoNetworkAvailable(name, 403, "no network available", response)
        return dict(response.json()["node"])

    async def get_neighbors(self, node_id: int, *, connection: str = "to", node_type: str | None = None) -> list[Json]:
        """``GET /node/<id>/neighbors``."""
        params = {"connection": connection, **({"node_type": node_type} if node_type else {})}
        body = await self._json("GET", f"/node/{node_id}/neighbors", name="GET /node/<id>/neighbors", params=params)
        return list(body["nodes"])

    async def get_vectors(self, node_id: int, *, direction: str = "all", failed: bool = False) -> list[Json]:
        """``GET /node/<id>/vectors``: live (or only failed) vectors."""
        params = {"direction": direction, "failed": "True" if failed else "False"}
        body = await self._json("GET", f"/node/{node_id}/vectors", name="GET /node/<id>/vectors", params=params)
        return list(body["vectors"])

    # -- infos and transmissions -----------------------------------------------------
    async def create_info(
        self, node_id: int, contents: str, *, info_type: str | None = None, details: Any = None, **properties: object
    ) -> Json:
        """``POST /info/<node>``: create an info with ``contents``."""
        data = {"contents": contents, **_props(details, **properties)}
        if info_type:
            data["info_type"] = info_type
        body = await self._json("POST", f"/info/{node_id}", name="POST /info/<id>", data=data)
        return dict(body["info"])

    async def get_info(self, node_id: int, info_id: int) -> Json:
        """``GET /info/<node>/<info>``: one info the node made or received."""
        body = await self._json("GET", f"/info/{node_id}/{info_id}", name="GET /info/<id>/<id>")
        return dict(body["info"])

    async def get_infos(self, node_id: int, *, info_type: str | None = None) -> list[Json]:
        """``GET /node/<id>/infos``: the node's own live infos."""
        params = {"info_type": info_type} if info_type else None
        body = await self._json("GET", f"/node/{node_id}/infos", name="GET /node/<id>/infos", params=params)
        return list(body["infos"])

    async def get_received_infos(self, node_id: int, *, info_type: str | None = None) -> list[Json]:
        """``GET /node/<id>/received_infos``: infos of received transmissions."""
        params = {"info_type": info_type} if info_type else None
        body = await self._json("GET", f"/node/{node_id}/received_infos", name="GET /node/<id>/received_infos", params=params)
        return list(body["infos"])

    async def get_transmissions(self, node_id: int, *, direction: str = "incoming", status: str = "all") -> list[Json]:
        """``GET /node/<id>/transmissions``; incoming with status pending/all *receives* them."""
        params = {"direction": direction, "status": status}
        body = await self._json("GET", f"/node/{node_id}/transmissions", name="GET /node/<id>/transmissions", params=params)
        return list(body["transmissions"])

    async def transmit(self, node_id: int, *, what: int | str | None = None, to_whom: int | str | None = None) -> list[Json]:
        """``POST /node/<id>/transmit``: send infos along outgoing vectors."""
        data = {k: str(v) for k, v in (("what", what), ("to_whom", to_whom)) if v is not None}
        body = await self._json("POST", f"/node/{node_id}/transmit", name="POST /node/<id>/transmit", data=data or None)
        return list(body["transmissions"])

    async def create_transformation(
        self, node_id: int, info_in_id: int, info_out_id: int, *, transformation_type: str | None = None
    ) -> Json:
        """``POST /transformation/<node>/<in>/<out>``."""
        data = {"transformation_type": transformation_type} if transformation_type else None
        body = await self._json(
            "POST",
            f"/transformation/{node_id}/{info_in_id}/{info_out_id}",
            name="POST /transformation/<id>/<id>/<id>",
            data=data,
        )
        return dict(body["transformation"])
