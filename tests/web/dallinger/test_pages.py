"""Pages, static files, CORS and the wire format (spec 3, 4.26, 4.27, 9.13, 9.14)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from simlab import Settings
from simlab.store import GraphStore
from simlab.web import create_app

from ..conftest import ChainExperiment
from .helpers import BASE, assert_error

CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, OPTIONS, POST, HEAD",
    "access-control-max-age": "21600",
}


@pytest.fixture(name="folder")
def _folder(tmp_path: Path) -> Path:
    exp = tmp_path / "exp"
    (exp / "templates" / "sub").mkdir(parents=True)
    (exp / "static" / "scripts").mkdir(parents=True)
    (exp / "templates" / "hello.html").write_text("<p>hello page</p>")
    (exp / "templates" / "sub" / "inner.html").write_text("<p>inner page</p>")
    (exp / "static" / "scripts" / "store+json2.min.js").write_text("var store = 1;")
    (exp / "static" / ".hidden").write_text("hidden")
    (exp / "secret.html").write_text("SECRET-OUTSIDE")
    (exp / "templates" / ".private.html").write_text("SECRET-HIDDEN")
    return exp


@pytest.fixture(name="app")
def _app(folder: Path) -> Any:
    return create_app(ChainExperiment, settings=Settings(seed=1), folder=folder)


async def raw_get(app: Any, raw_path: bytes) -> tuple[int, bytes]:
    """Send a GET with an exact, un-normalised path (httpx would resolve dot segments)."""
    path, _, query = raw_path.partition(b"?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path.decode("latin-1"), "raw_path": path, "query_string": query,
        "root_path": "", "headers": [(b"host", b"127.0.0.1:5000")], "server": ("127.0.0.1", 5000),
        "client": ("127.0.0.1", 1234),
    }
    sent: list[dict[str, Any]] = []
    done = trio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def test_pages_render_experiment_templates(client):
    resp = await client.get("/hello")
    assert (resp.status_code, resp.text) == (200, "<p>hello page</p>")
    resp = await client.get("/sub/inner")
    assert (resp.status_code, resp.text) == (200, "<p>inner page</p>")
    assert (await client.get("/nothing")).status_code == 404
    assert (await client.get("/sub/nothing")).status_code == 404


async def test_static_files_with_plus_in_the_name(client):
    resp = await client.get("/static/scripts/store+json2.min.js")
    assert (resp.status_code, resp.text) == (200, "var store = 1;")


@pytest.mark.parametrize(
    "raw",
    [
        b"/../secret", b"/..%2Fsecret", b"/%2E%2E%2Fsecret", b"/templates/../secret",
        b"/sub/..%2F..%2Fsecret", b"/%2e%2e/secret", b"/..", b"/.private", b"/sub/.%2e",
        b"/static/../secret.html", b"/static/..%2Fsecret.html", b"/static/%2e%2e/secret.html",
        b"/static/scripts/../../secret.html", b"/static/%2Fetc%2Fpasswd", b"/static//etc/passwd",
        b"/static/.hidden", b"/static/..%5Csecret.html", b"/%2Fetc%2Fpasswd", b"//etc/passwd",
        b"/static/%252e%252e/secret.html", b"/static/scripts%2F..%2F..%2Fsecret.html",
    ],
)
async def test_traversal_is_404(app, raw):
    status, body = await raw_get(app, raw)
    assert status == 404, (raw, status, body[:200])
    assert b"SECRET" not in body
    assert b"root:" not in body


async def test_dashboard_is_401(client):
    assert (await client.get("/dashboard")).status_code == 401
    assert (await client.get("/dashboard/database")).status_code == 401


async def test_recruiter_exit(client, build):
    # Dallinger's JSON error envelope, as the real server answers (tests/differential)
    assert_error(await client.get("/recruiter-exit"), 400, "/recruiter-exit GET: param participant_id is required")
    resp = await client.get("/recruiter-exit", params={"participant_id": "999"})
    assert_error(resp, 404, "/recruiter-exit GET: no participant found for ID 999")
    p = await build.participant()
    resp = await client.get("/recruiter-exit", params={"participant_id": p["id"]})
    assert resp.status_code == 200, resp.text[:300]
    assert resp.headers["content-type"].startswith("text/html")
    # a person reads the pay, not Python's values: no bonus yet is said so, money has two decimals
    assert "None" not in resp.text
    assert "<th>Bonus</th><td>not yet known</td>" in resp.text
    assert (await client.get("/worker_complete", params={"participant_id": p["id"]})).status_code == 200
    resp = await client.get("/recruiter-exit", params={"participant_id": p["id"]})
    assert "<th>Base Pay</th><td>1.00</td>" in resp.text and "None" not in resp.text


# --------------------------------------------------------------------- CORS


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("POST", "/info/1", {"contents": "x"}),
        ("POST", "/info/999", {"contents": "x"}),
        ("OPTIONS", "/info/1", None),
        ("POST", "/tracking_event/1", None),
        ("OPTIONS", "/tracking_event/1", None),
        ("POST", "/notifications", {"Event.1.EventType": "AssignmentAccepted", "Event.1.AssignmentId": "a1"}),
        ("GET", "/notifications", {"Event.1.EventType": "AssignmentAccepted", "Event.1.AssignmentId": "a1"}),
        ("OPTIONS", "/notifications", None),
    ],
)
async def test_cors_headers(client, build, method, url, data):
    await build.agent()
    if method == "GET":
        resp = await client.get(url, params=data)
    else:
        resp = await client.request(method, url, data=data)
    assert resp.status_code in (200, 400), resp.text
    assert {k: resp.headers.get(k) for k in CORS} == CORS


async def test_no_cors_on_other_routes(client, build):
    await build.agent()
    assert "access-control-allow-origin" not in (await client.get("/node/1/infos")).headers


# --------------------------------------------------------------- wire format


@pytest.mark.parametrize(
    ("moment", "text"),
    [(datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05"),
     (datetime(2024, 1, 2, 3, 4, 5, 60), "2024-01-02T03:04:05.000060")],
)
async def test_timestamps_are_naive_isoformat(moment, text):
    store = GraphStore(clock=lambda: moment)
    app = create_app(ChainExperiment, store=store, settings=Settings(seed=1))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        await c.post("/launch")
        resp = await c.post("/participant/W/H/A/debug")
        assert f'"creation_time": "{text}"' in resp.text
        await c.post("/node/1")
        await c.get("/worker_complete", params={"participant_id": 1})
        p = (await c.get("/participant/1")).json()["participant"]
        assert (p["creation_time"], p["end_time"]) == (text, text)


async def test_json_uses_default_separators(client):
    resp = await client.post("/participant/W/H/A/debug")
    assert resp.text.startswith('{"status": "success", "participant": {"id": 1, "creation_time": ')


async def test_simlab_client_script_is_served(client):
    # Experiments' pages load /static/scripts/dallinger2.js (spec 4.27).
    resp = await client.get("/static/scripts/dallinger2.js")
    assert resp.status_code == 200
    assert "dallinger" in resp.text
