"""Dallinger's demos, served unedited, driven through their own pages in Chromium as their bots do.

``simlab serve <demo folder>`` serves each demo exactly as Dallinger ships it (its
experiment.py, models, config.txt, templates and static files).  Every request the
pages make must answer below 400 (but the 403 the demos use to move on to the
questionnaire), no page may raise a script error, and the state read back through
the API is what the experiment defines: bartlett1932's story goes down the chain,
vox_populi stores every participant's answers, mcmcp's choices are recorded through
its own route, rogers' agents get their fitness and the participant a bonus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import trio

from simlab.bots.browser_participant import CHROMIUM, CHROMIUM_ARGS, chromium_available

from .test_browser_flow import simlab_serve, wait_ready
from .test_demo_templates import DEMOS, NAMES

pytestmark = [
    pytest.mark.skipif(chromium_available() is not None, reason=f"browser test: {chromium_available()}"),
    pytest.mark.skipif(not {"bartlett1932", "vox_populi"} <= set(NAMES), reason=f"the Dallinger demos are absent ({DEMOS})"),
]


@pytest.fixture(name="served")
def _served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """``simlab serve`` on the demo folder itself, unedited."""
    with simlab_serve(DEMOS / request.param, tmp_path / "serve.log", log_level="INFO") as url:
        yield url


class Recorder:
    """Every failed request and script error of a browser context."""

    def __init__(self, context: Any) -> None:
        self.problems: list[str] = []
        context.on("response", self.check)
        context.on("requestfailed", lambda r: self.problems.append(f"failed {r.url}"))
        context.on("page", self.watch)

    def check(self, response: Any) -> None:
        # POST /node/<participant> answers 403 when no network has room: the demos' own
        # signal to go on to the questionnaire (Dallinger answers the same).
        path = urlsplit(response.url).path
        expected = response.status == 403 and response.request.method == "POST" and re.fullmatch(r"/node/\d+", path)
        if response.status >= 400 and not expected:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda e: self.problems.append(f"pageerror {page.url}: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog {d.message}"), d.dismiss()))


def sign_up(context: Any, base: str, n: int, *, begin_disabled_forever: bool = False, page_name: str = "experiment") -> tuple[Any, Any]:
    """BotBase.sign_up: the ad, its popup, #consent, then the enabled Begin (.btn-success), on to ``page_name``."""
    ad = context.new_page()
    ad.goto(f"{base}/ad?" + urlencode({"hitId": "HD", "assignmentId": f"A{n}", "workerId": f"W{n}", "mode": "debug"}))
    with context.expect_page() as popup:
        ad.click("#begin-button")
    page = popup.value
    page.wait_for_load_state()
    # Dallinger's bots click #consent; a demo that overrides the consent button (rogers) gets its "I agree"
    page.click("#consent, button:has-text('I agree')")
    while "/instructions/instruct-ready" not in page.url:  # instructions pages with "Next" buttons
        page.wait_for_load_state()
        if "/instructions/instruct-ready" in page.url:
            break
        page.click("button.btn-primary:has-text('Next'), button.btn-primary:has-text('Begin')")
        page.wait_for_load_state()
    # a person cannot click before the page's scripts bound Begin (chatroom binds it on jQuery's ready)
    page.wait_for_load_state()
    if begin_disabled_forever:
        assert page.locator("button.btn-success[disabled]").count() == 1
        # rogers' instruct-ready ships Begin disabled and calls no createParticipant to enable it,
        # so under Dallinger too nobody can click it: run the button's own onClick instead.
        page.evaluate("dallinger.goToPage('experiment')")
    else:
        page.click("button.btn-success:not([disabled])")
    page.wait_for_url(f"**/{page_name}?participant_id=*")
    return ad, page


def sign_off(ad: Any, page: Any) -> int:
    """BotBase.sign_off: the questionnaire, then the exit page in the ad's window."""
    page.wait_for_url("**/questionnaire?participant_id=*")
    pid = int(parse_qs(urlsplit(page.url).query)["participant_id"][0])
    page.select_option("#engagement", "7")
    page.select_option("#difficulty", "3")
    page.click("#submit-questionnaire")
    ad.wait_for_url("**/recruiter-exit?participant_id=*")
    assert ad.query_selector("table") is not None  # Dallinger's exit info table
    return pid


def bartlett(context: Any, base: str, n: int) -> dict[str, Any]:
    ad, page = sign_up(context, base, n)
    page.wait_for_function("document.querySelector('#story').textContent.indexOf('loading') === -1")
    page.wait_for_selector("#finish-reading:not([disabled])")
    story = page.inner_text("#story").strip()
    page.click("#finish-reading")
    retold = f"{story} (retold by {n})"
    page.fill("#reproduction", retold)
    page.click("#submit-response")
    return {"participant": sign_off(ad, page), "story": story, "retold": retold}


def vox_populi(context: Any, base: str, n: int) -> dict[str, Any]:
    ad, page = sign_up(context, base, n)
    page.wait_for_selector("#response-form", state="visible")
    answers = {f"Q{i}": str(10 * i + n) for i in range(1, 9)}
    for key, value in answers.items():
        page.fill(f"#{key}", value)
    page.click("#submit-response")
    return {"participant": sign_off(ad, page), "answers": answers}


def drive(base: str, flow: Any, count: int) -> tuple[list[dict[str, Any]], list[str]]:
    from playwright.sync_api import sync_playwright

    results, problems = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            for n in range(1, count + 1):
                context = browser.new_context(viewport={"width": 1024, "height": 768})
                context.set_default_timeout(20_000)
                recorder = Recorder(context)
                results.append(flow(context, base, n))
                problems += recorder.problems
                context.close()
        finally:
            browser.close()
    return results, problems


async def run(client: httpx.AsyncClient, base: str, flow: Any, count: int, *, launch: bool = True) -> list[dict[str, Any]]:
    await wait_ready(client)
    if launch:  # (a server someone else launched already: a second launch would start its tasks twice)
        assert (await client.post("/launch")).status_code == 200
    with trio.fail_after(180):
        results, problems = await trio.to_thread.run_sync(drive, base, flow, count)
    assert problems == []
    return results


async def approved_with_answers(client: httpx.AsyncClient, pid: int) -> dict[str, Any]:
    participant = (await client.get(f"/participant/{pid}")).json()["participant"]
    assert participant["status"] == "approved"
    return participant


@pytest.mark.parametrize("served", ["bartlett1932"], indirect=True)
async def test_bartlett1932_story_goes_down_the_chain(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        first, second = await run(client, served, bartlett, 2)
        stories = {p.read_text().strip() for p in (DEMOS / "bartlett1932" / "static" / "stimuli").glob("*.md")}
        assert any(first["story"].split()[:5] == story.split()[:5] for story in stories)  # rendered markdown
        assert second["story"] == first["retold"]  # the chain passed the first retelling on
        for result in (first, second):
            await approved_with_answers(client, result["participant"])
        # Node 1 is the source; the participants' nodes hold what they wrote.
        for node_id, result in ((2, first), (3, second)):
            infos = (await client.get(f"/node/{node_id}/infos")).json()["infos"]
            assert [i["contents"] for i in infos] == [result["retold"]]


@pytest.mark.parametrize("served", ["vox_populi"], indirect=True)
async def test_vox_populi_stores_the_answers(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        results = await run(client, served, vox_populi, 2)
        for result in results:
            await approved_with_answers(client, result["participant"])
        infos = []
        for node_id in (1, 2):
            infos += (await client.get(f"/node/{node_id}/infos")).json()["infos"]
        stored = sorted(json.loads(i["contents"])["responses"]["Q1"] for i in infos)
        assert stored == sorted(r["answers"]["Q1"] for r in results)
        assert all(json.loads(i["contents"])["responses"] == r["answers"] for i, r in zip(
            sorted(infos, key=lambda i: i["id"]), results))


def wait_for_page(page: Any, ready: str) -> None:
    """Wait until ``ready`` holds on the page or the experiment moved on to the questionnaire."""
    from playwright.sync_api import Error

    try:
        page.wait_for_function(f"location.pathname.indexOf('questionnaire') >= 0 || ({ready})")
    except Error:  # the page navigated while we waited
        page.wait_for_load_state()


def mcmcp(context: Any, base: str, n: int) -> dict[str, Any]:
    """mcmcp's Bot: click left or right until the experiment says it is over (403, questionnaire)."""
    ad, page = sign_up(context, base, n)
    enabled = "document.querySelector('#left_button') && !document.querySelector('#left_button').disabled"
    page.wait_for_load_state("networkidle")
    clicks = 0
    while "/questionnaire" not in page.url and clicks < 20:
        page.click(f"#{('left', 'right')[clicks % 2]}_button")
        clicks += 1
        page.wait_for_timeout(50)
        wait_for_page(page, enabled)
    return {"participant": sign_off(ad, page), "clicks": clicks}


def rogers(context: Any, base: str, n: int) -> dict[str, Any]:
    """Report "blue" on every trial once the dots were shown (the page unlocks the answer)."""
    ad, page = sign_up(context, base, n, begin_disabled_forever=True)
    trials = 0
    while "/questionnaire" not in page.url and trials < 30:
        wait_for_page(page, "typeof lock !== 'undefined' && lock === false")
        if "/questionnaire" in page.url:
            break
        page.click("#more-blue")
        trials += 1
        wait_for_page(page, f"typeof trial !== 'undefined' && trial > {trials}")
    return {"participant": sign_off(ad, page), "trials": trials}


@pytest.mark.parametrize("served", ["mcmcp"], indirect=True)
async def test_mcmcp_choices_go_through_its_route(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        (result,) = await run(client, served, mcmcp, 1)
        assert result["clicks"] == 10  # trials_per_participant
        await approved_with_answers(client, result["participant"])  # data_check: one chosen info per trial
        chosen = 0
        for node_id in range(2, 12):
            infos = (await client.get(f"/node/{node_id}/infos")).json()["infos"]
            chosen += sum(1 for i in infos if i["property1"] == "True")
        assert chosen == 10


@pytest.mark.parametrize("served", ["rogers"], indirect=True)
async def test_rogers_fitness_and_bonus(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        (result,) = await run(client, served, rogers, 1)
        assert result["trials"] == 10  # experiment_repeats, one network each
        participant = await approved_with_answers(client, result["participant"])
        assert participant["bonus"] is None or participant["bonus"] >= 0.01
