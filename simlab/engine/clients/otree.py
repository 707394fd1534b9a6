"""A typed client for oTree's REST API (spec: otree-rest.md).

oTree takes JSON bodies, answers JSON on success and plain text on error, and
authenticates with the ``otree-rest-key`` header when its auth level asks for it.
The server side of simlab's oTree API comes later; these wrappers are what the
survey-webhook and experimenter callers in ``bots/`` will use.
"""

from __future__ import annotations

import random
from typing import Any

import httpx

from ..events import Events
from .http import ApiClient
from .retry import RetryPolicy

Json = dict[str, Any]


class OTreeClient(ApiClient):
    """oTree REST routes, one method each.

    Args:
        rest_key: sent as ``otree-rest-key`` when given (``OTREE_REST_KEY`` on the server).

    Example::

        code = (await bot.otree.create_session("trust", 4, room_name="lab"))["code"]
        await bot.otree.participant_vars("lab", "P1", {"age": 31})
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        events: Events,
        *,
        bot: int | None = None,
        retry: RetryPolicy | None = None,
        jitter: random.Random | None = None,
        rest_key: str | None = None,
    ) -> None:
        super().__init__(http, events, bot=bot, retry=retry, jitter=jitter)
        self.headers = {"otree-rest-key": rest_key} if rest_key else None

    async def _call(self, method: str, path: str, name: str, body: Any = None) -> Any:
        response = await self.request(method, path, name=name, json=body, headers=self.headers)
        return response.json()

    async def create_session(
        self,
        session_config_name: str,
        num_participants: int | None,
        *,
        modified_session_config_fields: dict[str, Any] | None = None,
        room_name: str | None = None,
        label: str | None = None,
    ) -> Json:
        """``POST /api/sessions``: return ``{"code", "session_wide_url", "admin_url", ...}``."""
        body: Json = {"session_config_name": session_config_name, "num_participants": num_participants}
        for key, value in (("modified_session_config_fields", modified_session_config_fields), ("room_name", room_name), ("label", label)):
            if value is not None:
                body[key] = value
        result: Json = await self._call("POST", "/api/sessions", "POST /api/sessions", body)
        return result

    async def sessions(self) -> list[Json]:
        """``GET /api/sessions``: the non-demo sessions."""
        result: list[Json] = await self._call("GET", "/api/sessions", "GET /api/sessions")
        return result

    async def get_session(
        self,
        code: str,
        *,
        participant_labels: list[str] | None = None,
        participant_vars: list[str] | None = None,
        session_vars: list[str] | None = None,
    ) -> Json:
        """``POST /api/get_session/<code>``: the session with its participants and requested vars."""
        body = {
            k: v
            for k, v in (("participant_labels", participant_labels), ("participant_vars", participant_vars), ("session_vars", session_vars))
            if v is not None
        }
        result: Json = await self._call("POST", f"/api/get_session/{code}", "POST /api/get_session/<code>", body)
        return result

    async def participant_vars(self, room_name: str, participant_label: str, vars: dict[str, Any]) -> None:
        """``POST /api/participant_vars``: vars for a label, kept until it arrives in the room."""
        body = {"room_name": room_name, "participant_label": participant_label, "vars": vars}
        await self._call("POST", "/api/participant_vars", "POST /api/participant_vars", body)

    async def participant_vars_by_code(self, participant_code: str, vars: dict[str, Any]) -> None:
        """``POST /api/participant_vars/<code>``: merge vars into one participant."""
        await self._call("POST", f"/api/participant_vars/{participant_code}", "POST /api/participant_vars/<code>", {"vars": vars})

    async def session_vars(self, session_code: str, vars: dict[str, Any]) -> None:
        """``POST /api/session_vars/<code>`` (oTree 6 form): merge vars into the session."""
        await self._call("POST", f"/api/session_vars/{session_code}", "POST /api/session_vars/<code>", {"vars": vars})

    async def room_session_vars(self, room_name: str, vars: dict[str, Any]) -> None:
        """``POST /api/session_vars`` (oTree 3 form): merge vars into the room's session."""
        await self._call("POST", "/api/session_vars", "POST /api/session_vars", {"room_name": room_name, "vars": vars})

    async def session_configs(self) -> list[Json]:
        """``GET /api/session_configs``."""
        result: list[Json] = await self._call("GET", "/api/session_configs", "GET /api/session_configs")
        return result

    async def rooms(self) -> list[Json]:
        """``GET /api/rooms``: each room with its current session code."""
        result: list[Json] = await self._call("GET", "/api/rooms", "GET /api/rooms")
        return result

    async def otree_version(self) -> str:
        """``GET /api/otree_version``."""
        result = await self._call("GET", "/api/otree_version", "GET /api/otree_version")
        return str(result["version"])
