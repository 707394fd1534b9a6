"""More of Dallinger's demos, served unedited, played through their own pages in Chromium.

As in ``test_demo_browser.py`` (whose helpers these tests reuse): ``simlab serve
<demo folder>`` serves the demo as Dallinger ships it, every request a page makes to
simlab answers below 400 (but the demos' own 403 signal), no page raises a script
error the demo does not raise under Dallinger too, and the state read back through the
API is what the experiment defines: function_learning's responses, chatroom's messages
(over the info/transmission API), chatroom_ws's (over its websocket channel, stored by
its ``receive_message``), and the moves of concentration, snake and 2048.  Each
participant has a Chromium of its own, as each of Dallinger's bots has.

iterated_drawing and sheep_market load jQuery from a CDN these machines cannot reach,
so nobody can be driven through their pages: every local file those pages load is
served, and their Python and routes are driven through the API as their pages would.
"""

from __future__ import annotations

import base64
import json
import math
import re
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
import trio

from bots.browser_participant import CHROMIUM, CHROMIUM_ARGS

from .html_probe import elements, local_assets, select
from .test_browser_flow import wait_ready
from .test_demo_templates import DEMOS
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


def browse(base: str, flow: Flow, n: int, known: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
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
    return {**result, "known_errors": seen, "outside": recorder.outside}, own


async def play(client: httpx.AsyncClient, base: str, flow: Flow, count: int = 1,
               known: tuple[str, ...] = (), *, launch: bool = True) -> list[dict[str, Any]]:
    """Launch (unless already launched), then ``count`` participants at the same time, each through its own pages."""
    await wait_ready(client)
    if launch:
        assert (await client.post("/launch")).status_code == 200
    results: dict[int, tuple[dict[str, Any], list[str]]] = {}

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


def infos_of(payload: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    """A node's infos in the order they were made, of one type (``info``, ``state``) or all."""
    infos = sorted(payload["infos"], key=lambda i: i["id"])
    return [i for i in infos if kind is None or i["type"] == kind]


# -- concentration: match every pair; each move is an info; winning goes to the questionnaire ---

# experiment.js (copied from snake) runs ``new Game(15, 20, 30)`` once the agent is made;
# concentration defines no Game, so its page raises this under Dallinger as well.
# memory.css draws the board's back from ../img/default/logo-bw.png, which the demo ships
# as static/images/default/logo-bw.png: a 404 under Dallinger too (it serves static/ as is).
CONCENTRATION_BUGS = ("Game is not defined", "/static/img/default/logo-bw.png")


def concentration(context: Any, base: str, n: int) -> dict[str, Any]:
    """Turn the two cards of each pair in turn (a perfect memory), the game's timers run fast.

    A match keeps the cards up 1.5 s before the next turn (memory.js); the page's clock
    is fast-forwarded past that once the move's info is stored, so 16 pairs take no 24 s.
    """
    context.clock.install()
    ad, page = sign_up(context, base, n)
    tiles = page.locator(".mg__tile--inner")
    tiles.nth(31).wait_for()
    page.wait_for_function("typeof my_node_id !== 'undefined'")
    ids = tiles.evaluate_all("tiles => tiles.map(t => t.getAttribute('data-id'))")
    pairs = [[i for i, card in enumerate(ids) if card == want] for want in sorted(set(ids), key=ids.index)]
    assert len(ids) == 32 and all(len(p) == 2 for p in pairs)  # level 3: 8 x 4 tiles
    for first, second in pairs:
        tiles.nth(first).click()
        with page.expect_response(lambda r: r.request.method == "POST" and "/info/" in r.url):
            tiles.nth(second).click()
        page.clock.run_for(1600)
    return {"participant": sign_off(ad, page), "pairs": [ids[a] for a, _ in pairs]}


@pytest.mark.parametrize("served", ["concentration"], indirect=True)
async def test_concentration_records_every_match(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        (result,) = await play(client, served, concentration, known=CONCENTRATION_BUGS)
        assert sorted(result["known_errors"]) == [
            f"404 GET {served}/static/img/default/logo-bw.png",
            f"pageerror {served}/experiment?participant_id={result['participant']}: Game is not defined"]
        assert set(result["outside"]) == {"http://fonts.googleapis.com/css?family=Roboto+Slab"}  # its layout's font
        await approved_with_answers(client, result["participant"])
        moves = [json.loads(i["contents"]) for i in infos_of((await client.get("/node/1/infos")).json())]
        assert [(m["event"], m["move"], m["card1"], m["card2"]) for m in moves] == [
            ("match", k, card, card) for k, card in enumerate(result["pairs"], 1)]


# -- snake: start, turn, run into the wall; every step is a State info -----------------------------

def snake(context: Any, base: str, n: int) -> dict[str, Any]:
    """Space starts the snake (rightwards, from the middle), a turn down, and it runs into the bottom wall.

    The game steps every 80 ms of its clock and POSTs a State info at each step, and at the
    wall it goes to the questionnaire at once (a State still in flight is aborted, under
    Dallinger too).  So the page's clock is held and moved on one step at a time, each step
    once the previous step's info is stored: a slow machine changes nothing the test sees.
    """
    context.clock.install()
    ad, page = sign_up(context, base, n)
    page.wait_for_function("typeof game !== 'undefined' && game.snake !== undefined && typeof my_node_id !== 'undefined'")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    sent, stored = [0], [0]
    is_info = lambda r: r.method == "POST" and "/info/" in r.url  # noqa: E731
    page.on("request", lambda r: sent.__setitem__(0, sent[0] + is_info(r)))
    page.on("requestfinished", lambda r: stored.__setitem__(0, stored[0] + is_info(r)))

    def frame() -> None:
        """One animation frame of the game's clock, then wait (real time, the game's held) for its infos."""
        page.clock.run_for(17)
        while stored[0] < sent[0]:
            page.wait_for_timeout(10)

    page.keyboard.press("Space")  # keys are read at the next frame
    while sent[0] == 0:
        frame()
    while page.evaluate("game.step_idx") < 1:
        frame()
    page.keyboard.press("ArrowDown")
    frame()
    while page.evaluate("game.snake[0][1] < game.height - 1 || game.newdir !== 'down'"):
        frame()
    page.clock.resume()  # the next step hits the wall: endGame goes to the questionnaire
    return {"participant": sign_off(ad, page)}


@pytest.mark.parametrize("served", ["snake"], indirect=True)
async def test_snake_stores_every_move_and_state(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        (result,) = await play(client, served, snake)
        await approved_with_answers(client, result["participant"])
        infos = (await client.get("/node/1/infos")).json()
        # the space bar is logged as "pause" (stake.js toggles pause to start), then the turn
        assert [json.loads(i["contents"]) for i in infos_of(infos, "info")] == [{"move": "pause"}, {"move": "down"}]
        states = [json.loads(i["contents"]) for i in infos_of(infos, "state")]
        assert [s["step"] for s in states] == list(range(len(states)))
        last = states[-1]
        assert last["direction"] == "down" and last["snake"][0][1] == last["height"] - 1  # next step: the wall
        assert all(s["width"] == 20 and s["height"] == 15 for s in states)


# -- 2048: move until no move is left; every move is a State info, then the questionnaire ----------

KEYS = ("ArrowUp", "ArrowLeft", "ArrowRight", "ArrowDown")


def twentyfortyeight(context: Any, base: str, n: int) -> dict[str, Any]:
    """Press up, then left, and the others only when neither moves: a quick way to fill the board."""
    ad, page = sign_up(context, base, n)
    page.wait_for_function("typeof game !== 'undefined' && typeof my_node_id !== 'undefined'")
    look = "[JSON.stringify(game.grid.serialize()), game.over]"
    (grid, over), moves, presses = page.evaluate(look), 0, 0
    while not over and presses < 2000:
        for key in KEYS:
            page.keyboard.press(key)
            presses += 1
            (now, over), before = page.evaluate(look), grid
            grid = now
            if now != before:
                moves += 1
                break
    assert page.evaluate("game.over"), f"no game over in {presses} presses"
    score = page.evaluate("game.score")
    return {"participant": sign_off(ad, page), "moves": moves, "score": score}  # 2 s after, the questionnaire


def stuck(cells: list[list[Any]]) -> bool:
    """No empty cell and no two equal neighbours: what 2048's movesAvailable() calls a lost game."""
    values = [[c and c["value"] for c in column] for column in cells]
    size = len(values)
    return all(v for column in values for v in column) and not any(
        (x + 1 < size and values[x][y] == values[x + 1][y]) or (y + 1 < size and values[x][y] == values[x][y + 1])
        for x in range(size) for y in range(size))


@pytest.mark.parametrize("served", ["twentyfortyeight"], indirect=True)
async def test_twentyfortyeight_stores_every_move(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        (result,) = await play(client, served, twentyfortyeight)
        await approved_with_answers(client, result["participant"])
        states = [json.loads(i["contents"]) for i in infos_of((await client.get("/node/1/infos")).json(), "state")]
        assert len(states) == result["moves"]  # one State per move that moved a tile
        assert states[-1]["score"] == result["score"] and stuck(states[-1]["grid"]["cells"])
        assert [s["over"] for s in states] == [False] * len(states)  # stored before the game marks itself over


# -- iterated_drawing, sheep_market: their pages need jQuery from a CDN these machines cannot reach ---
#
# Their layout.html replaces Dallinger's libraries with jQuery 1.7.2 from ajax.googleapis.com
# (raphael needs an old jQuery) and fingerprint2 from cdnjs; every page extends it, so
# without the internet no page script gets past ``$``/``dallinger`` and nobody can be
# driven through the pages.  What is checked instead: everything local the pages load
# is served, and their Python and routes work through the API, as the pages would use them.

CDN = {"http://ajax.googleapis.com/ajax/libs/jquery/1.7.2/jquery.min.js",
       "https://cdnjs.cloudflare.com/ajax/libs/fingerprintjs2/1.5.1/fingerprint2.min.js"}


def load_pages(base: str, paths: list[str]) -> dict[str, Any]:
    """Open each page in Chromium: what it fetched locally (with statuses), from outside, and its script errors."""
    from playwright.sync_api import sync_playwright

    local: dict[str, int] = {}
    outside: set[str] = set()
    errors: list[str] = []
    html: dict[str, str] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context()
            context.route(OUTSIDE, lambda route: (outside.add(route.request.url), route.abort()))
            context.on("response", lambda r: local.__setitem__(r.url, r.status))
            context.on("dialog", lambda d: d.dismiss())
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (errors.append(f"dialog {d.message}"), d.dismiss()))
            for path in paths:
                page.goto(base + path, wait_until="networkidle")  # its own requests answered too
                html[path] = page.content()
        finally:
            browser.close()
    return {"local": local, "outside": outside, "errors": errors, "html": html}


def referenced(base: str, html: str) -> set[str]:
    """The local scripts, stylesheets and images a page names."""
    found = set(local_assets(html)) | {e.attrs.get("src", "") for e in elements(html) if e.tag == "img"}
    return {base + u for u in found if u.startswith("/") and not u.startswith("//")}  # "//host/..." is outside


async def check_local_pages(client: httpx.AsyncClient, base: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every page of the demo, for a participant of its own: everything local answers 200.

    simlab's dallinger2.js needs no jQuery, so the experiment page still makes the
    participant's node (Dallinger's would stop at ``$.Deferred``); the tests leave it room.
    """
    pid = (await client.post("/participant/WP/HP/AP/debug")).json()["participant"]["id"]
    entry = "?hitId=HV&assignmentId=AV&workerId=WV&mode=debug"  # a visitor still to sign up
    paths = [f"/ad{entry}", f"/consent{entry}", f"/instructions/instruct-ready{entry}",
             f"/experiment?participant_id={pid}", f"/questionnaire?participant_id={pid}", *extra]
    seen = await trio.to_thread.run_sync(load_pages, base, paths)
    assert {u: s for u, s in seen["local"].items() if s != 200} == {}
    for path, html in seen["html"].items():
        assert referenced(base, html) <= set(seen["local"]), path  # each one was fetched, with a 200
    assert seen["outside"] == CDN  # nothing but the two CDN files is missing
    # the only script errors: the names those two files define, and the ad-blocker alert
    # dallinger2.js raises without fingerprint2 (as Dallinger's does)
    assert all(re.search(r"\$ is not defined|jQuery is not defined|Fingerprint2|ad blocker|dallinger is not defined", e)
               for e in seen["errors"]), seen["errors"]
    return {"participant": pid, **seen}


async def post_drawing(client: httpx.AsyncClient, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A participant's node and the drawing its experiment.js would post (the sketch and its PNG)."""
    pid = (await client.post(f"/participant/W{n}/H/A{n}/debug")).json()["participant"]["id"]
    node = (await client.post(f"/node/{pid}")).json()["node"]
    drawing = {"sketch": [{"type": "path", "path": [["M", n, n], ["L", 30, 40]]}], "image": f"data:image/png;base64,drawing-{n}"}
    answer = await client.post(f"/info/{node['id']}", data={"contents": json.dumps(drawing), "info_type": "Info"})
    assert answer.status_code == 200
    return node, drawing


@pytest.mark.parametrize("served", ["iterated_drawing"], indirect=True)
async def test_iterated_drawing_local_files_and_chain(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await wait_ready(client)
        assert (await client.post("/launch")).status_code == 200
        # The chain: each node receives what its parent shows, first the source's owl
        # (models.DrawingSource reads static/stimuli/owl.png from the experiment's folder).
        owl = base64.b64encode((DEMOS / "iterated_drawing" / "static" / "stimuli" / "owl.png").read_bytes()).decode()
        shown = {"image": "data:image/png;base64," + owl, "sketch": ""}
        for n in (1, 2, 3):
            node, drawing = await post_drawing(client, n)
            (received,) = (await client.get(f"/node/{node['id']}/received_infos")).json()["infos"]
            assert json.loads(received["contents"]) == shown
            shown = drawing
        pages = await check_local_pages(client, served)  # its experiment page: the chain's fifth and last node
        assert pages["errors"] == ["$ is not defined"]  # the experiment page, showing the drawing it received
        network = (await client.get("/network/1")).json()["network"]
        assert network["full"] is True and network["n_alive_nodes"] == 5


@pytest.mark.parametrize("served", ["sheep_market"], indirect=True)
async def test_sheep_market_local_files_drawings_and_gallery(served: str) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=10) as client:
        await wait_ready(client)
        assert (await client.post("/launch")).status_code == 200
        _, drawing = await post_drawing(client, 1)
        pages = await check_local_pages(client, served, ("/gallery",))  # its experiment page: the second node
        assert select(pages["html"]["/gallery"], "#gallery")
        # the experiment page and drawings.js want jQuery; gallery.html replaces the libs block
        # without dallinger2.js, yet base/layout.html's scripts call dallinger.hasAdBlocker
        # (so under Dallinger too)
        assert pages["errors"] == ["$ is not defined", "$ is not defined", "dallinger is not defined"]
        late = (await client.post("/participant/W3/H/A3/debug")).json()["participant"]["id"]
        assert (await client.post(f"/node/{late}")).status_code == 403  # Empty(max_size=2) is full
        # its own routes: the drawings as JSON (the gallery page's script would show them)
        assert (await client.get("/drawings")).json() == {"drawings": [drawing]}
