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
import threading
from collections.abc import Callable
from functools import partial
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
    A GET the page itself abandons by navigating away (a chat's poll when the
    participant leaves) is aborted by the browser, not failed by the server.
    """

    def __init__(self, context: Any, known: tuple[str, ...] = ()) -> None:
        self.outside: list[str] = []
        self.abandoned: list[str] = []
        self.known = known
        context.route(OUTSIDE, self.block)
        super().__init__(context)
        context.on("requestfailed", self.abandon)

    def abandon(self, request: Any) -> None:
        if request.method == "GET" and request.failure == "net::ERR_ABORTED" and request.resource_type in ("xhr", "fetch"):
            self.abandoned.append(f"failed {request.url}")

    def block(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def own_problems(self) -> tuple[list[str], list[str]]:
        """(problems with simlab's answers or the page, the known demo errors seen)."""
        own, seen, abandoned = [], [], list(self.abandoned)
        for problem in self.problems:
            if problem.startswith("failed ") and OUTSIDE.match(problem[len("failed "):]):
                continue
            if problem in abandoned:
                abandoned.remove(problem)
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


# -- chatroom: a quorum of 2 in the waiting room, then messages as infos and transmissions ------

class WaitingRoom:
    """Lets the second participant in only once the first waits on the quorum channel.

    The waiting page hears the quorum only on a socket it opens after its own sign-up;
    a participant who arrives before that socket is open is announced to nobody, and
    the first waits forever (under Dallinger too: Redis pub/sub keeps no history).  A
    person or bot arriving seconds later never meets that race; two threads started at
    once do, so the second starts its pages when the first's quorum socket opens.
    """

    def __init__(self) -> None:
        self.first_waiting = threading.Event()

    def enter(self, context: Any, base: str, n: int) -> tuple[Any, Any]:
        if n == 1:
            context.on("page", lambda page: page.on("websocket", self.opened))
        else:
            assert self.first_waiting.wait(30)
        return sign_up(context, base, n)

    def opened(self, socket: Any) -> None:
        if "channel=quorum" in socket.url:
            self.first_waiting.set()


def neighbors_joined(page: Any, base: str) -> None:
    """Wait until the other participant's node is in the network.

    A message goes only to the neighbours the sender has when it is sent (the
    experiment's info_post_request); Dallinger's Bot waits seconds between messages,
    this waits for exactly the condition that wait stands for.
    """
    node = page.evaluate("my_node_id")
    for _ in range(100):
        if httpx.get(f"{base}/node/{node}/neighbors", timeout=5).json()["nodes"]:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"node {node} got no neighbour")


def chatroom(room: WaitingRoom, context: Any, base: str, n: int) -> dict[str, Any]:
    """chatroom's Bot: through the waiting room, send a message, read the other's, leave the chat."""
    ad, page = room.enter(context, base, n)  # Begin goes to the waiting room; the quorum lets both in
    page.wait_for_selector("#send-message:not(.disabled)", state="visible")
    neighbors_joined(page, base)
    said, other = f"Hello from participant {n}.", f"Hello from participant {3 - n}."
    page.fill("#reproduction", said)
    page.click("#send-message")
    page.wait_for_selector(f"#story p:text-is('{other}')")
    page.wait_for_selector("#send-message:not(.disabled)")
    page.wait_for_timeout(300)  # a few more polls of pending transmissions: each is shown once
    story = page.locator("#story p").all_inner_texts()
    node = page.evaluate("my_node_id")
    page.click("#leave-chat")
    return {"participant": sign_off(ad, page), "node": node, "said": said, "story": story}


@pytest.mark.parametrize("served", ["chatroom"], indirect=True)
async def test_chatroom_messages_reach_the_other_participant(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        results = await play(client, served, partial(chatroom, WaitingRoom()), 2)
        for result, other in zip(results, reversed(results)):
            assert sorted(result["story"]) == sorted([result["said"], other["said"]])  # once each
            await approved_with_answers(client, result["participant"])
            (info,) = (await client.get(f"/node/{result['node']}/infos")).json()["infos"]
            assert info["contents"] == result["said"]
            # info_post_request sent it to the neighbour; its page's poll received it
            (sent,) = (await client.get(f"/node/{result['node']}/transmissions",
                                        params={"direction": "outgoing"})).json()["transmissions"]
            assert (sent["info_id"], sent["destination_id"], sent["status"]) == (info["id"], other["node"], "received")
        network = (await client.get("/network/1")).json()["network"]
        assert network["full"] is True and network["max_size"] == 2


# -- chatroom_ws: the same over its websocket channel, stored by its receive_message -----------

OTHER_SUBSCRIBED = """me => Array.from(document.querySelectorAll('#log p')).some(
    p => /^Participant \\d+ subscribed\\.$/.test(p.textContent) && p.textContent !== 'Participant ' + me + ' subscribed.')"""
OTHER_SPOKE = """me => Array.from(document.querySelectorAll('#story p')).some(
    p => p.textContent.indexOf('Participant ' + me + ':') !== 0)"""


def chatroom_ws(room: WaitingRoom, context: Any, base: str, n: int) -> dict[str, Any]:
    """chatroom_ws's Bot, over the socket: the one who sees the other subscribe greets, the other replies.

    The experiment logs every subscription to the chatroom channel, so the first one
    in sees the second arrive and knows the greeting will be heard; the second one
    replies once greeted, then sees the log's "all others have left" when the first leaves.
    """
    ad, page = room.enter(context, base, n)
    page.wait_for_function("typeof chatroom_socket !== 'undefined' && chatroom_socket.readyState === 1"
                           " && !document.querySelector('#send-message').disabled")
    me = page.evaluate("dallinger.identity.participantId")
    page.wait_for_function(f"({OTHER_SUBSCRIBED})({me}) || ({OTHER_SPOKE})({me})")
    first = not page.evaluate(f"({OTHER_SPOKE})({me})")
    said = f"{'Hello' if first else 'Hi'} from participant {me}."
    page.fill("#reproduction", said)
    page.click("#send-message")
    echo = f"Participant {me}: {said}"  # the channel echoes to every subscriber, the sender too
    page.wait_for_function("t => Array.from(document.querySelectorAll('#story p')).some(p => p.textContent === t)", arg=echo)
    if first:
        page.wait_for_function("document.querySelectorAll('#story p').length === 2")
    else:  # the first leaves: the experiment says so on the channel and the page disables sending
        page.wait_for_selector("#log p:has-text('All other participants have left the chat.')")
        assert page.is_disabled("#send-message") and page.is_disabled("#reproduction")
    story = page.locator("#story p").all_inner_texts()
    node = page.evaluate("my_node_id")
    page.click("#leave-chat")
    return {"participant": sign_off(ad, page), "me": me, "node": node, "said": said, "story": story, "first": first}


@pytest.mark.parametrize("served", ["chatroom_ws"], indirect=True)
async def test_chatroom_ws_messages_go_over_its_channel(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        results = sorted(await play(client, served, partial(chatroom_ws, WaitingRoom()), 2), key=lambda r: not r["first"])
        assert [r["first"] for r in results] == [True, False]
        for result, other in zip(results, reversed(results)):
            assert result["story"] == [f"Participant {r['me']}: {r['said']}" for r in results]
            await approved_with_answers(client, result["participant"])
            infos = (await client.get(f"/node/{result['node']}/infos")).json()["infos"]
            (message,) = [i for i in infos if i["contents"] == result["said"]]
            assert message["details"] == {
                "type": "message", "content": result["said"], "sender": result["me"], "node_id": result["node"]}
            sent = (await client.get(f"/node/{result['node']}/transmissions",
                                     params={"direction": "outgoing"})).json()["transmissions"]
            assert [t["destination_id"] for t in sent if t["info_id"] == message["id"]] == [other["node"]]
        # the first to leave left the other alone: the experiment closed the chat
        network = (await client.get("/network/1")).json()["network"]
        assert network["details"] == {"completed": True}
