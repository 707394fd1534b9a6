"""Every Dallinger demo's own templates render on simlab, and every local file they load exists.

The demos in ``../shared/dallinger-demos/`` are Dallinger's own, unchanged.  Their
``templates/`` and ``static/`` folders are copied into a temporary experiment folder
served with a simlab experiment (the Python side of the demos is another test's
business), so the pages get Dallinger's template names, blocks, Jinja context
(``url_for``, ``get_from_config``, ``experiment``) and static paths from simlab alone.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Chain, Experiment, Settings
from simlab.web import create_app

from .html_probe import elements, local_assets, select

DEMOS = Path(__file__).resolve().parents[3] / "shared" / "dallinger-demos"
if not DEMOS.is_dir():
    DEMOS = Path("/work/shared/dallinger-demos")
NAMES = sorted(p.name for p in DEMOS.iterdir() if (p / "templates").is_dir()) if DEMOS.is_dir() else []
IDS = {"hitId": "H1", "assignmentId": "A1", "workerId": "W1", "mode": "debug"}

pytestmark = pytest.mark.skipif(not NAMES, reason=f"the Dallinger demos are absent ({DEMOS})")


class DemoExperiment(Experiment):
    experiment_repeats = 1
    practice_repeats = 0

    def create_network(self) -> Any:
        return Chain(max_size=3)


def copy_demo(name: str, root: Path) -> Path:
    """The demo's templates and static files in a folder of our own (the demo stays untouched)."""
    folder = root / name
    shutil.copytree(DEMOS / name / "templates", folder / "templates")
    if (DEMOS / name / "static").is_dir():
        shutil.copytree(DEMOS / name / "static", folder / "static")
    return folder


def page_urls(folder: Path) -> list[str]:
    """The URL of every page template of the demo (layout.html is only extended)."""
    urls = []
    for template in sorted((folder / "templates").rglob("*.html")):
        rel = template.relative_to(folder / "templates").with_suffix("")
        if rel.name == "layout":
            continue
        urls.append("/" + rel.as_posix())
    return urls


def local_files(html: str) -> list[str]:
    """Same-origin scripts, stylesheets and images (a "//host/..." URL is another site)."""
    found = local_assets(html) + [e.attrs.get("src", "") for e in elements(html) if e.tag == "img"]
    return [u for u in found if u.startswith("/") and not u.startswith("//")]


@pytest.fixture(name="client", params=NAMES)
async def _client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    folder = copy_demo(request.param, tmp_path)
    app = create_app(DemoExperiment, settings=Settings(seed=1), folder=folder)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        assert (await client.post("/launch")).status_code == 200
        yield request.param, client


async def test_every_demo_page_renders_with_its_files(client: tuple[str, httpx.AsyncClient], tmp_path: Path) -> None:
    name, http = client
    made = (await http.post("/participant/W9/H1/A9/debug")).json()["participant"]["id"]
    urls = [u for u in page_urls(DEMOS / name) if u not in ("/ad", "/consent")]
    # simlab's pages fill in what the demo does not have (questionnaire, waiting room, exit).
    urls += ["/ad", "/consent", "/questionnaire", "/waiting", f"/recruiter-exit?participant_id={made}"]
    checked: set[str] = set()
    for url in urls:
        resp = await http.get(url, params=IDS if url in ("/ad", "/consent") else None)
        assert resp.status_code == 200, (name, url, resp.text[:300])
        html = resp.text
        if not url.startswith("/gallery"):  # sheep_market's gallery is a page without the client
            assert "dallinger2.js" in html, (name, url)
        for asset in local_files(html):
            if asset in checked:
                continue
            checked.add(asset)
            assert (await http.get(asset)).status_code == 200, (name, url, asset)
    # Dallinger's libraries, at Dallinger's paths, come from simlab when the demo has none.
    for path in ("scripts/jquery-3.7.1.min.js", "css/bootstrap.min.css", "scripts/spin.min.js",
                 "scripts/store+json2.min.js", "scripts/reqwest.min.js", "scripts/reconnecting-websocket.js",
                 "scripts/fingerprintjs2/1.5.1/fingerprint2.min.js", "css/dallinger.css",
                 "fonts/glyphicons-halflings-regular.woff2"):
        assert (await http.get(f"/static/{path}")).status_code == 200, path


async def test_ad_and_consent_have_the_bot_selectors(client: tuple[str, httpx.AsyncClient]) -> None:
    name, http = client
    ad = (await http.get("/ad", params=IDS)).text
    begin = select(ad, "#begin-button")
    assert begin and "btn-primary" in begin[0].classes, name
    assert "Application ID" in ad  # the debug block of Dallinger's ad
    consent = (await http.get("/consent", params=IDS)).text
    # rogers's own consent button has no id: Dallinger's bots click #consent, people the button.
    assert select(consent, "#consent") or select(consent, "button.btn-primary"), name
    questionnaire = (await http.get("/questionnaire")).text
    for selector in ("#engagement", "#difficulty", "#submit-questionnaire"):
        assert select(questionnaire, selector), (name, selector)


async def test_experiment_values_reach_the_templates(tmp_path: Path) -> None:
    """rogers reads ``experiment.practice_repeats`` and ``experiment.experiment_repeats``."""
    if "rogers" not in NAMES:
        pytest.skip("the rogers demo is absent")

    class Repeats(DemoExperiment):
        practice_repeats = 4
        experiment_repeats = 7

    app = create_app(Repeats, settings=Settings(seed=1), folder=copy_demo("rogers", tmp_path))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as http:
        pages = [u for u in page_urls(DEMOS / "rogers") if u.startswith("/instructions")]
        text = " ".join([(await http.get(u)).text for u in pages])
    assert "7" in text and "4" in text


async def test_a_missing_template_is_logged_with_its_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "exp"
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "broken.html").write_text('{% extends "base/nowhere.html" %}')
    app = create_app(DemoExperiment, settings=Settings(seed=1), folder=folder)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as http:
        with caplog.at_level(logging.INFO, logger="simlab.pages"):
            assert (await http.get("/no-such-page")).status_code == 404
            assert (await http.get("/broken")).status_code == 404
            assert (await http.get("/static/scripts/nothing.js")).status_code == 404
    logged = caplog.text
    assert "no-such-page.html" in logged
    assert "base/nowhere.html" in logged and "broken.html" in logged
    assert "scripts/nothing.js" in logged
