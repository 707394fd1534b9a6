"""bartlett1932's and vox_populi's own pages, driven in Chromium as their Selenium bots do.

The demos' templates and static files are copied, unchanged, beside a simlab experiment
file that mirrors the demo's Python (the ``dallinger`` imports aside), and served by
``simlab serve``.  Every request the pages make must answer below 400, no page may raise
a script error, and the state read back through the API is the demo's: bartlett1932's
story goes down the chain, vox_populi stores every participant's answers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import trio

from bots.browser_participant import CHROMIUM, CHROMIUM_ARGS, chromium_available

from .test_browser_flow import free_port, wait_ready
from .test_demo_templates import DEMOS, NAMES, copy_demo

pytestmark = [
    pytest.mark.skipif(chromium_available() is not None, reason=f"browser test: {chromium_available()}"),
    pytest.mark.skipif(not {"bartlett1932", "vox_populi"} <= set(NAMES), reason=f"the Dallinger demos are absent ({DEMOS})"),
]

STORY = "The War of the Ghosts. One night two young men from Egulac went down to the river to hunt seals."

EXPERIMENTS = {
    "bartlett1932": textwrap.dedent(
        f'''
        from simlab import Chain, Experiment, Source


        class WarOfTheGhostsSource(Source):
            __mapper_args__ = {{"polymorphic_identity": "war_of_the_ghosts_source"}}

            def _contents(self):
                return {STORY!r}


        class Bartlett1932(Experiment):
            experiment_repeats = 1
            initial_recruitment_size = 1

            def setup(self):
                if not self.networks():
                    super().setup()
                    for net in self.networks():
                        WarOfTheGhostsSource(network=net)

            def create_network(self):
                return Chain(max_size=3)

            def add_node_to_network(self, node, network):
                network.add_node(node)
                parents = node.neighbors(direction="from")
                if len(parents):
                    parents[0].transmit()
                node.receive()
        '''
    ),
    "vox_populi": textwrap.dedent(
        """
        from simlab import Empty, Experiment


        class VoxPopuli(Experiment):
            experiment_repeats = 1
            initial_recruitment_size = 2

            def create_network(self):
                return Empty(max_size=self.initial_recruitment_size)
        """
    ),
}


@pytest.fixture(name="served")
def _served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    name = request.param
    folder = copy_demo(name, tmp_path)
    (folder / "experiment.py").write_text(EXPERIMENTS[name])
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "simlab", "serve", str(folder / "experiment.py"), "--in-memory", "--port", str(port),
             "--log-level", "INFO"],
            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ),
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    print(log_path.read_text(errors="replace")[-4000:])


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


def sign_up(context: Any, base: str, n: int) -> tuple[Any, Any]:
    """BotBase.sign_up: the ad, its popup, #consent, then the enabled Begin (.btn-success)."""
    ad = context.new_page()
    ad.goto(f"{base}/ad?" + urlencode({"hitId": "HD", "assignmentId": f"A{n}", "workerId": f"W{n}", "mode": "debug"}))
    with context.expect_page() as popup:
        ad.click("#begin-button")
    page = popup.value
    page.wait_for_load_state()
    page.click("#consent")
    page.wait_for_url("**/instructions/instruct-ready?*")
    page.click("button.btn-success:not([disabled])")
    page.wait_for_url("**/experiment?participant_id=*")
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


async def run(client: httpx.AsyncClient, base: str, flow: Any, count: int) -> list[dict[str, Any]]:
    await wait_ready(client)
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
        assert first["story"] == STORY
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
