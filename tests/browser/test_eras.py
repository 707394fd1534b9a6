"""Experiments written the way each Dallinger release writes them, served unchanged, driven in Chromium.

Each folder under ``tests/eras/`` is a small experiment in the layout and idiom of
one release's documentation and templates (see each ``experiment.py``): its own
ad, consent and instructions pages overriding blocks of Dallinger's base templates,
the cookiecutter template's layout, greenlets beside the requests, a quorum game
over the ``/chat`` websocket.  ``simlab serve FOLDER`` serves it as is; every
request its pages make answers below 400, no page raises a script error, and the
state the experiment defines is read back through the API.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import trio

from simlab.bots.browser_participant import CHROMIUM, CHROMIUM_ARGS

from .test_browser_flow import simlab_serve, wait_ready
from .test_demo_games import WaitingRoom, play
from .test_demo_browser import Recorder, approved_with_answers, run, sign_off, sign_up  # noqa: F401
from .test_demo_browser import pytestmark as demo_marks

ERAS = Path(__file__).resolve().parents[1] / "eras"
pytestmark = [demo_marks[0]]


#: Config given through the environment, as Dallinger takes it (the folders stay unedited): v10's
#: monitor abandons a participant with no node after ``stale_seconds``, and on a busy machine a
#: person's way from the ad to the game can take longer than its config.txt's 5 s.
ENVIRONMENT = {"v10_gevent_monitor": {"STALE_SECONDS": "20"}}


@pytest.fixture(name="served")
def _served(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """``simlab serve`` on the era folder itself, unedited."""
    env = ENVIRONMENT.get(request.param)
    with simlab_serve(ERAS / request.param, tmp_path / "serve.log", env=env, log_level="INFO") as url:
        yield url


# -- 3.x: whole pages of its own on the first dallinger.js (globals, store.set, openwindow()) -------

def legacy(context: Any, base: str, n: int) -> dict[str, Any]:
    ad = context.new_page()
    ad.goto(f"{base}/ad?hitId=HL&assignmentId=A{n}&workerId=W{n}&mode=debug")
    with context.expect_page() as popup:
        ad.click("#begin-button")  # the ad's own onClick="openwindow();"
    page = popup.value
    page.wait_for_load_state()
    assert page.url == f"{base}/consent?hit_id=HL&assignment_id=A{n}&worker_id=W{n}&mode=debug"
    page.click("#consent")
    page.wait_for_url("**/instructions")
    page.wait_for_function("participant_id !== undefined")  # create_participant() from the stored ids
    page.click("button.btn-success")
    page.wait_for_url("**/exp?participant_id=*")
    page.wait_for_selector("#submit-response:not(.disabled)")
    node = page.evaluate("my_node_id")
    answer = ("owl", "lynx")[n - 1]
    page.fill("#animal", answer)
    page.click("#submit-response")
    page.wait_for_url("**/questionnaire?participant_id=*")
    pid = int(page.evaluate("participant_id"))
    page.select_option("#engagement", "7")
    page.click("#submit-questionnaire")
    page.wait_for_url("**/complete")  # submitAssignment's own end
    return {"participant": pid, "node": node, "answer": answer}


async def check_v3_legacy_pages(client: httpx.AsyncClient, base: str, *, launch: bool = True) -> dict[str, Any]:
    results = await run(client, base, legacy, 2, launch=launch)
    for result in results:
        participant = await approved_with_answers(client, result["participant"])
        assert participant["hit_id"] == "HL"
        (info,) = (await client.get(f"/node/{result['node']}/infos")).json()["infos"]
        assert info["contents"] == result["answer"]
    return {"results": results}


@pytest.mark.parametrize("served", ["v3_legacy_pages"], indirect=True)
async def test_v3_legacy_pages_on_the_first_client_library(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await check_v3_legacy_pages(client, served)


# -- 9.x: its own ad (live, sandbox_or_debug), consent (text, button), instructions; a Blueprint route ----

def colours(context: Any, base: str, n: int) -> dict[str, Any]:
    ad = context.new_page()
    ad_url = f"{base}/ad?hitId=HC&assignmentId=A{n}&workerId=W{n}&mode=debug"
    ad.goto(ad_url)
    assert ad.inner_text("#debug-note").startswith("This is a debug run of the colour study")
    assert ad.inner_text("#begin-button") == "Start the colour study"
    with context.expect_page() as popup:
        ad.click("#begin-button")
    page = popup.value
    page.wait_for_load_state()
    # the consent popup opened at /consent with the ad's own query (not /null)
    assert page.url == f"{base}/consent?hitId=HC&assignmentId=A{n}&workerId=W{n}&mode=debug"
    assert "records the colour names" in page.inner_text("#colour-consent")
    page.click("#consent")
    page.wait_for_url("**/instructions/colours?*")
    page.click("button:has-text('Next')")
    page.wait_for_url("**/instructions/instruct-ready?*")
    page.click("button.btn-success:not([disabled])")
    page.wait_for_url("**/experiment?participant_id=*")
    page.wait_for_selector("#submit-colour:not([disabled])")
    seen = page.inner_text("#tally")
    name = ("teal", "jade", "moss")[n - 1]
    page.fill("#colour-name", name)
    page.click("#submit-colour")
    return {"participant": sign_off(ad, page), "seen": seen, "name": name}


async def check_v9_custom_pages(client: httpx.AsyncClient, base: str, *, launch: bool = True) -> dict[str, Any]:
    results = await run(client, base, colours, 2, launch=launch)
    assert [r["seen"] for r in results] == ["none", "teal"]  # the Blueprint's tally, as each saw it
    for result in results:
        await approved_with_answers(client, result["participant"])
    tally = (await client.get("/colour-tally", params={"exclude": "teal"})).json()
    assert tally == {"status": "success", "tally": {"jade": 1}}
    # the chain: the second participant's node is the first one's successor
    infos = [(await client.get(f"/node/{node}/infos")).json()["infos"] for node in (1, 2)]
    assert [i[0]["contents"] for i in infos] == ["teal", "jade"]
    return {"results": results, "tally_without_teal": tally}


@pytest.mark.parametrize("served", ["v9_custom_pages"], indirect=True)
async def test_v9_custom_pages_and_blueprint_route(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await check_v9_custom_pages(client, served)


# -- 11.x: the cookiecutter template's pages (layout + experiment.js binding #consent, store.set) ----

def cookiecutter(context: Any, base: str, n: int) -> dict[str, Any]:
    ad = context.new_page()
    ad.goto(f"{base}/ad?hitId=HK&assignmentId=A{n}&workerId=W{n}&mode=debug")
    with context.expect_page() as popup:
        ad.click("#begin-button")
    page = popup.value
    page.wait_for_load_state()
    page.click("#consent")  # experiment.js: store.set(...), then dallinger.goToPage('instructions')
    page.wait_for_url("**/instructions?*")
    page.wait_for_function("dallinger.identity.participantId")  # createParticipant() on load
    page.click("button.btn-success")
    page.wait_for_url("**/exp?participant_id=*")
    page.wait_for_selector("#submit-response:not(.disabled)")
    node = page.evaluate("my_node_id")
    page.click("#submit-response")
    return {"participant": sign_off(ad, page), "node": node}


class LeavingRecorder(Recorder):
    """The Recorder, but a "leave this page?" prompt is answered "Leave", as a participant would.

    The template's ``experiment.js`` sets ``dallinger.preventExit = true`` on every page
    its layout renders, the ad included, so when the questionnaire sends the ad's
    window on to the exit page, that window asks before it leaves (the same script sets
    the same flag under Dallinger, whose dallinger2.js asks alike).  The prompt is the
    experiment's own, kept in ``prompts``; anything else is still a problem.
    """

    def __init__(self, context: Any) -> None:
        self.prompts: list[str] = []
        super().__init__(context)

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda e: self.problems.append(f"pageerror {page.url}: {e}"))
        page.on("dialog", lambda d: self.answer(page, d))

    def answer(self, page: Any, dialog: Any) -> None:
        if dialog.type == "beforeunload":
            self.prompts.append(urlsplit(page.url).path)
            dialog.accept()
        else:
            self.problems.append(f"dialog {dialog.message}")
            dialog.dismiss()


def drive_leaving(base: str, flow: Any, count: int) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """``drive`` with a LeavingRecorder: (results, problems, the pages that asked before leaving)."""
    from playwright.sync_api import sync_playwright

    results, problems, prompts = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            for n in range(1, count + 1):
                context = browser.new_context(viewport={"width": 1024, "height": 768})
                context.set_default_timeout(20_000)
                recorder = LeavingRecorder(context)
                results.append(flow(context, base, n))
                problems += recorder.problems
                prompts += recorder.prompts
                context.close()
        finally:
            browser.close()
    return results, problems, prompts


async def check_v11_cookiecutter_pages(client: httpx.AsyncClient, base: str, *, launch: bool = True) -> dict[str, Any]:
    await wait_ready(client)
    if launch:
        assert (await client.post("/launch")).status_code == 200
    with trio.fail_after(180):
        results, problems, prompts = await trio.to_thread.run_sync(drive_leaving, base, cookiecutter, 2)
    assert problems == []
    assert set(prompts) <= {"/ad"}  # only the ad's window asks, when the exit page replaces it
    for result in results:
        participant = await approved_with_answers(client, result["participant"])
        assert (participant["assignment_id"], participant["hit_id"]) == (f"A{results.index(result) + 1}", "HK")
        (info,) = (await client.get(f"/node/{result['node']}/infos")).json()["infos"]
        assert info["contents"] == "Submitted"
    network = (await client.get("/network/1")).json()["network"]
    assert (network["max_size"], network["full"]) == (2, True)  # num_participants from config.txt
    return {"nodes": [r["node"] for r in results], "network": {k: network[k] for k in ("max_size", "full")},
            "asked_before_leaving": prompts}


@pytest.mark.parametrize("served", ["v11_cookiecutter_pages"], indirect=True)
async def test_v11_cookiecutter_pages(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await check_v11_cookiecutter_pages(client, served)


# -- 10.x: a game page of its own (exp.html), with greenlets and a clock beside the requests --------

def enter(context: Any, base: str, n: int, page_name: str) -> tuple[Any, Any]:
    """The ad, its begin button's popup, #consent, instruct-ready's enabled Begin, on to ``page_name``."""
    ad = context.new_page()
    ad.goto(f"{base}/ad?hitId=HE&assignmentId=A{n}&workerId=W{n}&mode=debug")
    with context.expect_page() as popup:
        ad.click("#begin-button")
    page = popup.value
    page.wait_for_load_state()
    page.click("#consent")
    page.wait_for_url(re.compile(r"/instructions"))
    while "/instructions/instruct-ready" not in page.url:  # instructions pages before it (simlab's default has one)
        current = page.url
        page.click("button.btn-primary, button.btn-success:not([disabled])")
        page.wait_for_url(lambda url: url != current)
    page.click("button.btn-success:not([disabled])")
    page.wait_for_url(f"**/{page_name}?participant_id=*")
    return ad, page


def reaction(context: Any, base: str, n: int) -> dict[str, Any]:
    ad, page = enter(context, base, n, "exp")
    page.wait_for_selector("#react:not([disabled])")
    page.click("#react")
    return {"participant": sign_off(ad, page)}


async def check_v10_gevent_monitor(
    client: httpx.AsyncClient, base: str, *, launch: bool = True, clock_process: bool = True
) -> dict[str, Any]:
    """The page, then the monitor: a participant who signs up and never starts is abandoned.

    ``clock_process``: whether the server runs ``@scheduled_task`` jobs (simlab does with
    ``clock_on``; the Dallinger oracle does not start Dallinger's separate clock process).
    """
    (result,) = await run(client, base, reaction, 1, launch=launch)
    participant = await approved_with_answers(client, result["participant"])
    assert participant["property1"] == "greeted"  # create_node's own greenlet
    network = (await client.get("/network/1")).json()["network"]
    assert int(network["property1"]) > 0  # the GameClock greenlet
    if clock_process:
        assert int(network["property2"]) > 0  # the scheduled heartbeat
    (info,) = (await client.get("/node/1/infos")).json()["infos"]
    assert int(info["contents"]) >= 0  # the reaction time the page measured
    stale = (await client.post("/participant/WS/HS/AS/debug")).json()["participant"]["id"]
    with trio.fail_after(120):  # stale_seconds (5, or 20 from the environment); the monitor looks every 0.1 s
        while (await client.get(f"/participant/{stale}")).json()["participant"]["status"] == "working":
            await trio.sleep(0.2)
    dropped = (await client.get(f"/participant/{stale}")).json()["participant"]
    assert (dropped["status"], dropped["failed"]) == ("abandoned", True)
    return {"participant": {k: participant[k] for k in ("status", "property1")},
            "stale": {k: dropped[k] for k in ("status", "failed")}}


@pytest.mark.parametrize("served", ["v10_gevent_monitor"], indirect=True)
async def test_v10_game_with_greenlets_beside_the_pages(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await check_v10_gevent_monitor(client, served)


# -- 12.x: a quorum game over the /chat websocket; the server publishes with db.redis_conn.publish ----

class TugRoom(WaitingRoom):
    """The demo tests' waiting room (the second player comes once the first listens for the quorum)."""

    def enter(self, context: Any, base: str, n: int) -> tuple[Any, Any]:
        if n == 1:
            context.on("page", lambda page: page.on("websocket", self.opened))
        else:
            assert self.first_waiting.wait(30)
        return enter(context, base, n, "experiment")


def tug(room: TugRoom, context: Any, base: str, n: int) -> dict[str, Any]:
    """Pull, wait for the server's score on the channel, pull again, until someone has won."""
    ad, page = room.enter(context, base, n)
    page.wait_for_selector("#pull:not([disabled])")
    me = page.evaluate("my_node_id")
    clicks = 0
    while not page.inner_text("#result") and clicks < 10:
        seen = page.evaluate("scores_seen")
        # the other player's pull may end the game (and disable Pull) at any moment: check and
        # click in one turn of the page's event loop, as a person's click lands or does not
        if not page.evaluate("() => { const b = document.querySelector('#pull'); if (b.disabled) return false; b.click(); return true; }"):
            break
        clicks += 1
        page.wait_for_function(f"scores_seen > {seen} && (document.querySelector('#result').textContent || true)")
    page.wait_for_selector("#finish:not([disabled])")
    result = page.inner_text("#result")
    page.click("#finish")
    return {"participant": sign_off(ad, page), "node": me, "clicks": clicks, "result": result}


async def check_v12_quorum_tug(client: httpx.AsyncClient, base: str, *, launch: bool = True) -> dict[str, Any]:
    results = await play(client, base, partial(tug, TugRoom()), 2, launch=launch)
    score = (await client.get("/tug/score")).json()["score"]  # the experiment_route
    assert score["winners"] and set(score["winners"]) <= {r["node"] for r in results}
    for result in results:
        await approved_with_answers(client, result["participant"])
        infos = (await client.get(f"/node/{result['node']}/infos")).json()["infos"]
        assert len(infos) == result["clicks"] == score["pulls"][str(result["node"])]  # every pull stored once
    # a page announces the first winners it hears of; a pull already on its way may add a winner after
    announced = {r["node"] for r in results if r["result"] == "You won!"}
    assert announced and announced <= set(score["winners"])
    return {"results": [{k: r[k] for k in ("node", "clicks", "result")} for r in results], "score": score}


@pytest.mark.parametrize("served", ["v12_quorum_tug"], indirect=True)
async def test_v12_quorum_game_over_the_chat_channel(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await check_v12_quorum_tug(client, served)
