"""Drive an era folder through Dallinger's API and write what the server answered (a transcript).

Run against the real Dallinger release serving the folder (not by the tests):

    python tests/compat/eras_surface/oracle/record.py URL FOLDER_NAME RELEASE > tests/compat/eras_surface/oracle/FOLDER_NAME-RELEASE.json

``tests/compat/test_eras_oracle.py`` replays the same steps on simlab and compares.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import httpx

#: The fields of each answer a transcript keeps (ids, times and random tokens differ between servers).
KEEP = {
    "participant": ("status", "property1", "property2", "bonus", "type"),
    "node": ("type", "property1", "network_id"),
    "info": ("type", "contents", "property1"),
}


def _summary(resp: httpx.Response) -> dict[str, Any]:
    out: dict[str, Any] = {"status_code": resp.status_code}
    try:
        body = resp.json()
    except ValueError:
        return out
    for key, fields in KEEP.items():
        if isinstance(body.get(key), dict):
            out[key] = {f: body[key].get(f) for f in fields}
    if "status" in body:
        out["status"] = body["status"]
    return out


def steps(info_type: str) -> list[tuple[str, str, Any]]:
    """``(name, method, path, [form])``: one participant through the API, start to finish.

    (The pages, ``/ad`` included, are compat-runtime's transcripts: a folder without ``templates/`` has
    no ``ad.html`` under the oracle's ``dallinger develop bootstrap``.)
    """
    return [
        ("participant", "POST", "/participant/W1/H1/A1/debug"),
        ("node", "POST", "/node/{pid}"),
        ("info", "POST", "/info/{nid}", {"contents": "42", "info_type": info_type}),
        ("question", "POST", "/question/{pid}", {"question": "questionnaire", "number": "1", "response": '{"engagement": 4}'}),
        ("worker_complete", "POST", "/worker_complete", {"participant_id": "{pid}"}),  # POST only before 12.x
        ("final", "GET", "/participant/{pid}"),
    ]


async def run(client: httpx.AsyncClient, info_type: str = "Info") -> dict[str, Any]:
    """Run the steps; a step whose ids are unknown (an earlier step failed) is recorded as skipped."""
    seen: dict[str, Any] = {}
    transcript: dict[str, Any] = {}
    for name, method, path, *data in steps(info_type):
        try:
            url = path.format(**seen)
        except KeyError:
            transcript[name] = {"skipped": True}
            continue
        form = {k: v.replace("{pid}", str(seen.get("pid"))) for k, v in data[0].items()} if data else None
        resp = await client.request(method, url, data=form)
        transcript[name] = _summary(resp)
        if resp.status_code == 200 and name in ("participant", "node"):
            seen["pid" if name == "participant" else "nid"] = resp.json()[name]["id"]
    return transcript


async def main(url: str, folder: str, release: str, info_type: str) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        record = {"folder": folder, "server": f"Dallinger {release}", "info_type": info_type, "steps": await run(client, info_type)}
    json.dump(record, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    import trio

    trio.run(main, *sys.argv[1:4], sys.argv[4] if len(sys.argv) > 4 else "Info")
