"""Security basics: constant-time secrets, traversal, bounded bodies, no unescaped echo."""

from __future__ import annotations

import base64
import hmac
import json
import random
from typing import Any

import httpx
import pytest

from simlab import Settings
from simlab.web import admin, create_app
from simlab.web.otree import wire

from .conftest import ChainExperiment
from .dallinger.helpers import BASE
from .dallinger.test_pages import raw_get

PROBES = ("<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'><svg onload=alert(1)>")


@pytest.fixture(name="secured")
async def _secured() -> Any:
    app = create_app(
        ChainExperiment,
        settings=Settings(seed=1, otree_auth_level="STUDY", otree_rest_key="rest-key", admin_password="pw", max_body_bytes=4096),
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        await client.post("/launch")
        yield client


async def test_rest_key_and_admin_password_are_compared_in_constant_time(secured, monkeypatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(wire.hmac, "compare_digest", spy)
    monkeypatch.setattr(admin.hmac, "compare_digest", spy)
    assert (await secured.get("/api/sessions", headers={"otree-rest-key": "wrong"})).status_code == 403
    assert (await secured.get("/api/sessions", headers={"otree-rest-key": "rest-key"})).status_code == 200
    basic = "Basic " + base64.b64encode(b"admin:guess").decode()
    assert (await secured.get("/dashboard", headers={"Authorization": basic})).status_code == 401
    assert calls == [(b"wrong", b"rest-key"), (b"rest-key", b"rest-key"), (b"guess", b"pw"), (b"admin", b"admin")]


async def test_admin_login_needs_user_admin(secured) -> None:
    def basic(credentials: bytes) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(credentials).decode()}

    assert (await secured.get("/dashboard", headers=basic(b"admin:pw"))).status_code == 200
    for wrong in (b"root:pw", b":pw", b"Admin:pw", b"pw"):
        response = await secured.get("/dashboard", headers=basic(wrong))
        assert response.status_code == 401, wrong
        assert "user 'admin'" in response.text


@pytest.mark.parametrize(
    "raw",
    [b"/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", b"/static/..%00/x", b"/static/C:%5Cwindows%5Cwin.ini",
     b"/static/%2e%2e%5c%2e%2e%5cetc%5cpasswd", b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"/static/....//....//etc/passwd",
     b"/static/%252Fetc%252Fpasswd", b"/static/scripts/%2e%2e/%2e%2e/%2e%2e/pyproject.toml"],
)
async def test_more_traversal_forms_are_refused(app, raw) -> None:
    status, body = await raw_get(app, raw)
    assert status in (400, 404)
    assert b"root:" not in body and b"[project]" not in body


async def test_random_traversal_never_leaves_the_static_folders(app) -> None:
    pieces = ["..", "%2e%2e", "%2E.", ".%2e", "%2f", "%5c", "%252e", "etc", "passwd", "", "%00", "/"]
    rng = random.Random(7)
    for _ in range(300):
        path = "/".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        for prefix in ("/static/", "/", "/sub/"):
            if not (prefix + path).strip("/"):
                continue  # the index page
            status, body = await raw_get(app, (prefix + path).encode())
            assert status in (400, 404), prefix + path
            assert b"root:" not in body


async def test_bodies_are_bounded(secured) -> None:
    big = "x" * 5000
    dallinger = await secured.post("/info/1", data={"contents": big})
    assert dallinger.status_code == 413
    otree = await secured.post("/api/sessions", content=json.dumps({"label": big}), headers={"otree-rest-key": "rest-key"})
    assert otree.status_code == 413 and otree.headers["content-type"].startswith("text/plain")
    assert (await secured.post("/info/1", data={"contents": "x" * 100})).status_code != 413


def html_of(response: httpx.Response) -> str:
    """What a browser would render as HTML: an HTML body, or the ``html`` of Dallinger's envelope."""
    media = response.headers.get("content-type", "")
    if media.startswith("text/html"):
        return response.text
    if media.startswith("application/json"):
        try:
            data = response.json()
        except ValueError:
            return ""
        return data.get("html") or "" if isinstance(data, dict) else ""
    return ""


async def test_no_parameter_is_echoed_unescaped(secured) -> None:
    """Every documented parameter of every route, set to a script, never comes back as markup."""
    doc = (await secured.get("/openapi.json")).json()
    headers = {"otree-rest-key": "rest-key", "Authorization": "Basic " + base64.b64encode(b"admin:pw").decode()}
    tried = 0
    for path, item in doc["paths"].items():
        for method, op in item.items():
            names = [(p["in"], p["name"]) for p in op["parameters"]]
            body = op.get("requestBody", {}).get("content", {})
            form = body.get("application/x-www-form-urlencoded", {}).get("schema", {}).get("properties", {})
            names += [("form", name) for name in form]
            for where, name in names:
                for probe in PROBES:
                    url, params, data = path, {}, {}
                    for other in (p for p in op["parameters"] if p["in"] == "path"):
                        url = url.replace("{" + other["name"] + "}", probe if other["name"] == name else "1")
                    if where == "query":
                        params[name] = probe
                    elif where == "form":
                        data[name] = probe
                    response = await secured.request(method.upper(), url, params=params, data=data or None, headers=headers)
                    tried += 1
                    assert response.status_code < 500 or str(response.status_code) in op["responses"], (method, url, name)
                    page = html_of(response)
                    assert probe not in page, f"{method.upper()} {path}: {name} echoed unescaped"
    assert tried > 300
