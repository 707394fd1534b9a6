"""The default participant pages and the JS client render in-process (no browser needed).

Each page of the Dallinger flow answers 200 with the selectors Dallinger's Selenium
bots use, every script and stylesheet it loads exists, and an experiment's own
templates and static files win over simlab's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Chain, Experiment, Settings
from simlab.web import create_app

from .html_probe import local_assets, select

BASE = "http://127.0.0.1:5000"
IDS = {"hitId": "H1", "assignmentId": "A1", "workerId": "W1", "mode": "debug"}

#: page -> selectors that must each match at least one element.
PAGES: dict[str, list[str]] = {
    "/consent": ["#consent", "#no-consent"],
    "/instructions": [".btn-success"],
    "/exp": ["textarea#response", "#submit-response", "#story"],
    "/questionnaire": ["select#difficulty", "select#engagement", "#submit-questionnaire"],
    "/thanks": ["main"],
    "/complete": ["main"],
}


class ChainExperiment(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain()


async def open_client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


@pytest.fixture(name="client")
async def _client() -> AsyncIterator[httpx.AsyncClient]:
    async with await open_client(create_app(ChainExperiment, settings=Settings(seed=1))) as client:
        assert (await client.post("/launch")).status_code == 200
        yield client


def matches(html: str, selector: str) -> bool:
    if selector.startswith(("textarea#", "select#")):
        tag, _, ident = selector.partition("#")
        return any(e.tag == tag for e in select(html, "#" + ident))
    return bool(select(html, selector))


async def assert_assets_exist(client: httpx.AsyncClient, html: str) -> None:
    assets = local_assets(html)
    assert "/static/scripts/dallinger2.js" in assets or "/static/css/simlab.css" in assets, assets
    for url in assets:
        assert (await client.get(url)).status_code == 200, url


async def test_ad_has_the_begin_button_and_forwards_the_ids(client: httpx.AsyncClient) -> None:
    resp = await client.get("/ad", params=IDS)
    assert resp.status_code == 200
    buttons = select(resp.text, "button.btn-primary")
    assert len(buttons) == 1
    assert buttons[0].attrs["id"] == "begin-button"
    # The button opens consent with the ad's own query (the identity travels in the URL),
    # built by the server as Dallinger's ad builds it, not read from the button.
    assert '/consent?hitId=H1&assignmentId=A1&workerId=W1&mode=debug";' in resp.text
    await assert_assets_exist(client, resp.text)


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_flow_pages_render_with_the_bot_selectors(client: httpx.AsyncClient, path: str) -> None:
    resp = await client.get(path, params=IDS)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    for selector in PAGES[path]:
        assert matches(resp.text, selector), (path, selector)
    await assert_assets_exist(client, resp.text)


async def test_recruiter_exit_and_error_complete(client: httpx.AsyncClient) -> None:
    made = await client.post("/participant/W1/H1/A1/debug")
    pid = made.json()["participant"]["id"]
    resp = await client.get("/recruiter-exit", params={"participant_id": pid})
    assert resp.status_code == 200
    probe = select(resp.text, "#participant")
    assert probe and probe[0].attrs["data-participant-id"] == str(pid)
    assert select(resp.text, "#completion-code")
    for url in local_assets(resp.text):  # spec 4.27: every script of the exit page exists
        assert (await client.get(url)).status_code == 200, url
    resp = await client.post("/handle-error", data={"participant_id": str(pid), "error_feedback": "stuck"})
    assert resp.status_code == 200
    assert f"participant {pid}" in resp.text


async def test_pages_without_context_still_render(client: httpx.AsyncClient) -> None:
    # /<page> renders any template with no context: these must not crash on it.
    for path in ("/exit_recruiter", "/error-complete", "/layout"):
        assert (await client.get(path)).status_code == 200, path


async def test_the_client_script_is_served(client: httpx.AsyncClient) -> None:
    resp = await client.get("/static/scripts/dallinger2.js")
    assert resp.status_code == 200
    assert "javascript" in resp.headers["content-type"]
    for name in ("createParticipant", "createAgent", "createInfo", "getInfo", "getInfos", "getReceivedInfos",
                 "getTransmissions", "submitQuestionnaire", "submitAssignment", "goToPage", "allowExit",
                 "getUrlParameter", "window.dallinger", "X-Requested-With", "done:", "fail:", "hasAdBlocker",
                 "BusyForm", "AjaxRejection", "allowExitOnce", "loadParticipant", "missingFingerprint",
                 "updateProgressBar", "waitForQuorum", "fingerprint_hash"):
        assert name in resp.text, name
    assert "http://" not in resp.text and "https://" not in resp.text  # nothing fetched from elsewhere


def experiment_folder(root: Path) -> Path:
    folder = root / "exp"
    (folder / "templates").mkdir(parents=True)
    (folder / "static" / "scripts").mkdir(parents=True)
    (folder / "templates" / "ad.html").write_text("<p id='own-ad'>our ad for {{ hit_id }}</p>")
    (folder / "templates" / "exp.html").write_text(
        '{% extends "layout.html" %}{% block body %}<p id="own-exp">ours</p>{% endblock %}'
    )
    (folder / "static" / "scripts" / "dallinger2.js").write_text("window.ours = true;")
    return folder


async def test_experiment_templates_and_static_override_the_defaults(tmp_path: Path) -> None:
    app = create_app(ChainExperiment, settings=Settings(seed=1), folder=experiment_folder(tmp_path))
    async with await open_client(app) as client:
        resp = await client.get("/ad", params=IDS)
        assert (resp.status_code, resp.text) == (200, "<p id='own-ad'>our ad for H1</p>")
        # An own template extending layout.html gets simlab's layout (and its script tag).
        resp = await client.get("/exp")
        assert resp.status_code == 200
        assert select(resp.text, "#own-exp") and "/static/scripts/dallinger2.js" in local_assets(resp.text)
        assert (await client.get("/static/scripts/dallinger2.js")).text == "window.ours = true;"
        # Pages the experiment does not have still come from simlab.
        assert select((await client.get("/consent")).text, "#consent")
        assert (await client.get("/static/css/simlab.css")).status_code == 200
