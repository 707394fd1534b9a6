"""Fuzz a running simlab with schemathesis, from its own ``/openapi.json``.

Every documented operation gets ``examples`` generated requests per mode
(valid and invalid inputs), sent over loopback with ``requests`` (schemathesis'
own transport: sync, so a trio caller runs :func:`run_fuzz` in
``trio.to_thread``).  Each answer must be below 500 and in its API's shape:
Dallinger's JSON envelope (``status``) on its JSON routes, HTML on its pages,
oTree's JSON or plain text.  Problems are collected, not raised, so one run
reports them all.  Needs the ``test`` extra (schemathesis).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests

#: Answers any route may give before its handler runs (routing, method, body size).
ROUTING_STATUSES = (404, 405, 413)


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False
    #: seconds spent per operation ("GET /path"), to find the slow ones
    timings: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        by_class = Counter(f"{s // 100}xx" for s in self.statuses.elements())
        return (
            f"{self.requests} requests over {self.operations} operations in {self.seconds:.1f}s "
            f"({dict(sorted(by_class.items()))}); {len(self.problems)} problems"
            + (" (stopped at the time limit)" if self.stopped_early else "")
        )


def family(operation: dict[str, Any]) -> str:
    """Which API shape an operation answers in, from its documented responses."""
    if "security" in operation:
        return "otree-api"
    tags = operation.get("tags") or []
    ok = json.dumps(operation.get("responses", {}).get("200", {}))
    if "dallinger" in tags:
        return "dallinger-json" if "SuccessEnvelope" in ok else "dallinger-page"
    if "otree" in tags:
        return "otree-page"
    return "other"


def _envelope(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("status") in ("success", "error") else None


def shape_problem(
    kind: str, status: int, content_type: str, body: bytes, documented: tuple[str, ...] = ()
) -> str | None:
    """Why an answer is not in its API's documented shape, or None.

    A 5xx is a problem unless the operation documents that very status (Dallinger's
    ``/error-page`` answers 500 by contract).
    """
    if status >= 500:
        return None if str(status) in documented else f"server error {status}"
    media = content_type.split(";")[0].strip().lower()
    if status in ROUTING_STATUSES and media == "text/html":
        return None  # werkzeug's page: the request never reached a handler (Dallinger's Flask does the same)
    if kind == "dallinger-json":
        envelope = _envelope(body)
        if envelope is None:
            return f"{status} {media}: not Dallinger's JSON envelope"
        if (status == 200) != (envelope["status"] == "success"):
            return f"{status} with status {envelope['status']!r}"
        if media != "application/json" and not (status == 403 and envelope == {"status": "error"}):
            return f"{status} envelope labelled {media}"  # only Dallinger's bare 403 is text/html
        return None
    if kind == "dallinger-page":
        if media == "application/json":
            return None if _envelope(body) is not None else f"{status}: JSON without an envelope"
        return None if media in ("text/html", "text/plain", "") or status in (200, 302, 304) else f"{status} {media}"
    if kind == "otree-api":
        if status == 200:
            try:
                json.loads(body)
            except ValueError:
                return "200 whose body is not JSON"
            return None if media == "application/json" else f"200 labelled {media}"
        return None if media == "text/plain" else f"{status} error labelled {media} (oTree's are plain text)"
    if kind == "otree-page":
        return None if status in (200, 302) or media in ("text/plain", "text/html") else f"{status} {media}"
    return None


def run_fuzz(
    base_url: str,
    *,
    examples: int = 5,
    seed: int = 0,
    time_limit: float = 45.0,
    request_timeout: float = 10.0,
    headers: dict[str, str] | None = None,
    negative: bool = True,
) -> FuzzReport:
    """Fuzz every operation of ``base_url``'s ``/openapi.json``; stop at ``time_limit`` seconds."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    document = requests.get(f"{base_url}/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    report = FuzzReport()
    started = time.monotonic()
    session = requests.Session()
    last = [""]
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if negative else [])

    for result in schema.get_all_operations():
        operation = result.ok()
        described = document["paths"][operation.path][operation.method.lower()]
        kind = family(described)
        documented = tuple(described.get("responses", {}))
        report.operations += 1
        op_started = time.monotonic()
        for mode in modes:
            if time.monotonic() - started > time_limit:
                report.stopped_early = True
                break

            @hypothesis_seed(seed)
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def probe(case: Any) -> None:
                if time.monotonic() - started > time_limit:
                    report.stopped_early = True
                    return
                previous, last[0] = last[0], case.as_curl_command()
                try:
                    response = case.call(base_url=base_url, session=session, headers=headers, timeout=request_timeout)
                except requests.RequestException as exc:
                    report.problems.append(f"{case.method} {case.formatted_path} ({mode.value}): transport error {exc!r}\n    {case.as_curl_command()}\n    after: {previous}")
                    return
                report.requests += 1
                report.statuses[response.status_code] += 1
                content_type = (response.headers.get("content-type") or [""])[0]
                problem = shape_problem(kind, response.status_code, content_type, response.content, documented)
                if problem is not None:
                    report.problems.append(f"{case.method} {case.formatted_path} ({mode.value}): {problem}\n    {case.as_curl_command()}")

            try:
                probe()
            except Unsatisfiable:
                pass  # no invalid input exists (e.g. no parameters): nothing to send in this mode
            except Exception as exc:  # a generation failure is a finding about the document
                report.problems.append(f"{operation.method.upper()} {operation.path}: could not generate: {exc!r}")
        report.timings[f"{operation.method.upper()} {operation.path}"] = time.monotonic() - op_started
    report.seconds = time.monotonic() - started
    return report


# ------------------------------------------------------------------ an in-process target

REST_KEY = "fuzz-rest-key"
ADMIN_PASSWORD = "fuzz-admin"


def auth_headers() -> dict[str, str]:
    """The oTree REST key and the admin password, so fuzzing reaches past the auth checks."""
    import base64

    token = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    return {"otree-rest-key": REST_KEY, "Authorization": f"Basic {token}"}


async def seed_target(base_url: str, participants: int = 4) -> None:
    """Launch and give the target some rows (participants, nodes, infos) for ids to hit."""
    import httpx

    async with httpx.AsyncClient(base_url=base_url, headers=auth_headers()) as client:
        await client.post("/launch")
        for n in range(participants):
            created = (await client.post(f"/participant/w{n}/h{n}/a{n}/debug")).json()
            pid = created["participant"]["id"]
            node = (await client.post(f"/node/{pid}")).json().get("node")
            if node:
                await client.post(f"/info/{node['id']}", data={"contents": f"seed {n}"})
                await client.post(f"/node/{node['id']}/transmit")
        await client.post("/api/sessions", json={"session_config_name": "survey", "num_participants": 2})


async def fuzz_in_process(experiment_file: Any, **options: Any) -> tuple[FuzzReport, list[str]]:
    """Serve ``experiment_file`` on a free loopback port in this trio run, fuzz it, audit its store.

    schemathesis is synchronous, so it runs in a worker thread (``trio.to_thread``)
    while hypercorn serves here; returns the report and the store audit's problems.
    """
    from functools import partial

    import trio

    from ..config import Settings
    from ..domain.audit import audit
    from ..server import build_server, serve
    from ..sources import load_source

    settings = Settings(
        port=0, seed=1, otree_auth_level="STUDY", otree_rest_key=REST_KEY, admin_password=ADMIN_PASSWORD
    )
    server = build_server(load_source(experiment_file), settings, in_memory=True)
    app = server.app
    async with trio.open_nursery() as nursery:
        binds = await nursery.start(serve, server)
        base_url = binds[0]
        await seed_target(base_url)
        options.setdefault("headers", auth_headers())
        report = await trio.to_thread.run_sync(partial(run_fuzz, base_url, **options))
        nursery.cancel_scope.cancel()
    return report, audit(app.extensions["simlab"].store)
