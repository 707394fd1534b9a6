"""Launch a served experiment as ``dallinger debug`` does: ``POST /launch``, print the links.

``dallinger debug`` posts to its own ``/launch`` once the server answers and logs
the ``recruitment_msg`` (the initial recruitment list).  ``simlab serve`` does the
same over HTTP, so the launch runs exactly as a client's would (hooks, recruiter,
background tasks).  A data folder that already holds a run's state is not
launched again: a second launch opens recruitment again, which the user asks for.
"""

from __future__ import annotations

import httpx
import trio

#: How long a durable server may take to load before the launch gives up (seconds).
LOAD_WAIT = 3600.0


async def launch_when_ready(url: str, *, poll: float = 0.1) -> str:
    """Wait until ``url`` has loaded its store, ``POST /launch`` once, and return what to print.

    A loading server answers 503 (``LoadingGate``); the wait is for that readiness,
    not a guess at a duration.
    """
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        with trio.move_on_after(LOAD_WAIT):
            while (await http.get("/health")).status_code == 503:
                await trio.sleep(poll)
        if await _has_state(http):
            return "simlab: not launched: the data folder holds an earlier run's state (POST /launch opens recruitment again)"
        resp = await http.post("/launch")
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if resp.status_code != 200 or body.get("status") != "success":
            message = body.get("message") or resp.text[:300]
            return f"simlab: POST /launch failed ({resp.status_code}): {message}"
        return f"simlab: launched the experiment\n{body.get('recruitment_msg') or ''}".rstrip()


async def _has_state(http: httpx.AsyncClient) -> bool:
    """Whether the server already has networks or participants (a restarted data folder)."""
    for path in ("/network/1", "/participant/1"):
        if (await http.get(path)).status_code == 200:
            return True
    return False
