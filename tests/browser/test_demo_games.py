"""More of Dallinger's demos, served unedited, played through their own pages in Chromium.

As in ``test_demo_browser.py`` (whose helpers these tests reuse): ``simlab serve
<demo folder>`` serves the demo as Dallinger ships it, every request a page makes to
simlab answers below 400 (but the demos' own 403 signal), no page raises a script
error the demo does not raise under Dallinger too, and the state read back through the
API is what the experiment defines: function_learning's responses, chatroom's messages
(over the info/transmission API), chatroom_ws's (over its websocket channel, stored by
its ``receive_message``), and the moves of concentration, snake and 2048.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import trio

from bots.browser_participant import CHROMIUM, CHROMIUM_ARGS

from .test_browser_flow import wait_ready
from .test_demo_browser import _served, approved_with_answers, pytestmark, Recorder, sign_off, sign_up  # noqa: F401

Flow = Callable[[Any, str, int], dict[str, Any]]
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


class LocalRecorder(Recorder):
    """The Recorder, for pages that also link files on the internet (which these machines cannot reach).

    Requests to other hosts are aborted at once (no DNS wait) and set aside: they are
    not the demo's requests to simlab.  ``known`` page errors are the demo's own bugs,
    raised under Dallinger as well; they are set aside too, and kept to be asserted.
    """

    def __init__(self, context: Any, known: tuple[str, ...] = ()) -> None:
        self.outside: list[str] = []
        self.known = known
        context.route(OUTSIDE, self.block)
        super().__init__(context)

    def block(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def own_problems(self) -> tuple[list[str], list[str]]:
        """(problems with simlab's answers or the page, the known demo errors seen)."""
        own, seen = [], []
        for problem in self.problems:
            if problem.startswith("failed ") and OUTSIDE.match(problem[len("failed "):]):
                continue
            (seen if any(k in problem for k in self.known) else own).append(problem)
        return own, seen


def browse(base: str, flow: Flow, n: int, known: tuple[str, ...]) -> tuple[dict[str, Any], list[str], list[str]]:
    """One participant in a Chromium of its own (as each of Dallinger's bots has its own browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            context.set_default_timeout(20_000)
            recorder = LocalRecorder(context, known)
            result = flow(context, base, n)
            context.close()
        finally:
            browser.close()
    own, seen = recorder.own_problems()
    return {**result, "known_errors": seen}, own, recorder.outside


async def play(client: httpx.AsyncClient, base: str, flow: Flow, count: int = 1,
               known: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Launch, then ``count`` participants at the same time, each through its own pages."""
    await wait_ready(client)
    assert (await client.post("/launch")).status_code == 200
    results: dict[int, tuple[dict[str, Any], list[str], list[str]]] = {}

    async def one(n: int) -> None:
        results[n] = await trio.to_thread.run_sync(browse, base, flow, n, known)

    with trio.fail_after(90):
        async with trio.open_nursery() as nursery:
            for n in range(1, count + 1):
                nursery.start_soon(one, n)
    assert [p for n in sorted(results) for p in results[n][1]] == []
    return [results[n][0] for n in sorted(results)]


# -- function_learning --------------------------------------------------------------------------

PPU, TOP = 3, 450  # experiment.js: 3 pixels per unit; a click at pageY reports round((450 - pageY) / 3)


def function_learning(context: Any, base: str, n: int) -> dict[str, Any]:
    """Click each training bar to its true height (the page moves on only then), answer the tests, press space.

    function_learning's instruct-ready ships Begin disabled and its createParticipant runs
    on instruct-1, so under Dallinger too the button never enables: its onClick is run.
    """
    ad, page = sign_up(context, base, n, begin_disabled_forever=True)
    page.wait_for_function("typeof N !== 'undefined' && typeof xTest !== 'undefined' && trialIndex === 1")
    total = page.evaluate("N")
    answers = []
    for trial in range(1, total + 1):
        assert page.evaluate("trialIndex") == trial
        if trial < total / 2:  # training: the true y, given as feedback until it is hit
            y = page.evaluate(f"yTrain[{trial - 1}]")
        else:  # testing: any answer is taken
            y = 10 + trial
            answers.append(y)
        page.mouse.move(700, round(TOP - PPU * y))
        page.mouse.click(700, round(TOP - PPU * y))
        page.wait_for_function("clicked === true")
        page.keyboard.press("Space")
    return {"participant": sign_off(ad, page), "answers": answers, "trials": total}


@pytest.mark.parametrize("served", ["function_learning"], indirect=True)
async def test_function_learning_stores_the_responses(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        (result,) = await play(client, served, function_learning)
        assert result["trials"] == 40  # two per training point of the source's function
        await approved_with_answers(client, result["participant"])
        # Node 1 is the network's SinusoidalFunctionSource; node 2 the participant's.
        (received,) = (await client.get("/node/2/received_infos")).json()["infos"]
        taught = json.loads(received["contents"])
        assert received["origin_id"] == 1 and len(taught["x"]) == 20
        assert all(math.isclose(y, 50.5 + 49.5 * math.sin(math.pi / 2 + x / (5 * math.pi)))
                   for x, y in zip(taught["x"], taught["y"]))
        (info,) = (await client.get("/node/2/infos")).json()["infos"]
        responses = json.loads(info["contents"])
        assert responses["y"] == result["answers"]
        assert len(responses["x"]) == 20
