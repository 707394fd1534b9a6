"""A Dallinger participant driven through the real pages in headless Chromium.

It follows the steps of Dallinger's Selenium bots on simlab's default pages (or an
experiment's own, if they keep Dallinger's selectors): open ``/ad``, click
``button.btn-primary`` (the study opens in a popup, or in the same window), click
``#consent``, click ``.btn-success``, read ``participant_id`` from the URL, write a
text into ``#response`` and press ``#submit-response``, then fill ``#engagement`` and
``#difficulty`` and press ``#submit-questionnaire``, and wait for ``/recruiter-exit``.

Playwright's Python API is sync or asyncio, never trio: the sync API runs in a worker
thread (``trio.to_thread.run_sync``), and a :class:`trio.CapacityLimiter` bounds how
many browsers run at once.  The browser is Debian's ``/usr/bin/chromium``: nothing is
downloaded at run time.

Example::

    result = trio.run(run_browser_participant, "http://127.0.0.1:5000", 7)

In a scenario (the server must be a URL target: ``simlab scenario run --url ...``)::

    Population(browser_participant, count=4, options={"browsers": 2})
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import trio

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from simlab import Bot

CHROMIUM = "/usr/bin/chromium"
#: --no-sandbox because bots usually run as root in containers; the rest keep the
#: browser from reaching the network on its own (updates, sync, first-run pages).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
DEFAULT_BROWSERS = 2
WORDS = "river seal canoe ghost warrior arrow village fog paddle shore night hunt".split()

#: One limiter per trio run (a module-level one would outlive its run).
_LIMITER: trio.lowlevel.RunVar[trio.CapacityLimiter] = trio.lowlevel.RunVar("browser_limiter")


class BrowserBotError(RuntimeError):
    """The browser could not complete the flow; the message carries the pages' script errors."""


@dataclass
class BrowserResult:
    """What one browser participant did (``asdict`` gives the JSON of a report)."""

    participant_id: int
    node_id: int | None
    received: str | None
    contents: str | None
    answers: dict[str, str]
    exit_url: str
    pages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def chromium_available() -> str | None:
    """Why browser bots cannot run here, or None when they can."""
    if shutil.which(CHROMIUM) is None:
        return f"{CHROMIUM} is absent (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is absent (pip install 'simlab[browser]')"
    return None


def compose(rng: random.Random, received: str | None) -> str:
    """Retell ``received`` with a seeded slip (a dropped word), or start a new story."""
    if not received:
        return "the " + " ".join(rng.choice(WORDS) for _ in range(6))
    words = received.split()
    if len(words) > 3:
        del words[rng.randrange(len(words))]
    return " ".join(words)


def _study_page(context: BrowserContext, ad: Page, timeout_ms: float) -> Page:
    """Click the ad's button; return the page the study continues in (popup or same)."""
    before = len(context.pages)
    ad.click("button.btn-primary, button.btn-success")
    deadline = timeout_ms / 1000
    waited = 0.0
    while waited < deadline:
        if len(context.pages) > before:
            study = context.pages[-1]
            study.wait_for_load_state()
            return study
        if "/ad" not in urlsplit(ad.url).path:
            return ad
        ad.wait_for_timeout(50)  # Playwright's own wait keeps its event loop turning
        waited += 0.05
    raise BrowserBotError("the ad's button opened no consent page")


def drive(base_url: str, seed: int, *, timeout: float = 30.0, answers: Mapping[str, str] | None = None) -> BrowserResult:
    """Complete the Dallinger flow once in a fresh headless Chromium (blocking).

    Args:
        base_url: the server, e.g. ``http://127.0.0.1:5000``.
        seed: seeds the ids and everything the participant writes or answers.
        timeout: seconds any one step may take.
        answers: questionnaire values by select id (default: seeded 1–5).
    """
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    rng = random.Random(seed)
    tag = f"{rng.getrandbits(40):010x}"
    chosen = dict(answers or {"engagement": str(rng.randint(1, 5)), "difficulty": str(rng.randint(1, 5))})
    query = urlencode({"hitId": "simlab-browser", "assignmentId": f"A{tag}", "workerId": f"W{tag}", "mode": "debug"})
    ms = timeout * 1000
    errors: list[str] = []  # script errors explain most timeouts: report them with the failure
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            context.set_default_timeout(ms)
            context.on("page", lambda p: p.on("pageerror", lambda e: errors.append(f"{p.url}: {e}")))
            ad = context.new_page()
            ad.goto(f"{base_url.rstrip('/')}/ad?{query}")
            page = _study_page(context, ad, ms)
            pages = [urlsplit(page.url).path]
            page.click("#consent")
            page.wait_for_url("**/instructions?*")
            pages.append(urlsplit(page.url).path)
            page.click(".btn-success")
            page.wait_for_url("**/exp?*")
            pages.append(urlsplit(page.url).path)
            participant_id = int(parse_qs(urlsplit(page.url).query)["participant_id"][0])
            page.wait_for_selector("body[data-state=ready], #submit-questionnaire")
            node_id: int | None = None
            received: str | None = None
            contents: str | None = None
            if page.query_selector("#submit-response"):
                node_id = int(page.get_attribute("body", "data-node-id") or 0) or None
                story = page.query_selector("#received:not([hidden]) #story")
                received = story.inner_text() if story else None
                contents = compose(rng, received)
                page.fill("#response", contents)
                page.click("#submit-response")
            page.wait_for_selector("#submit-questionnaire")
            pages.append(urlsplit(page.url).path)
            for select, value in chosen.items():
                page.select_option(f"#{select}", value)
            page.click("#submit-questionnaire")
            # As under Dallinger, a study opened from the ad ends in the ad's window (the
            # study window closes); one that ran in the ad's window ends there.
            ad.wait_for_url("**/recruiter-exit?*")
            pages.append(urlsplit(ad.url).path)
            return BrowserResult(participant_id, node_id, received, contents, chosen, ad.url, pages)
        except PlaywrightError as exc:
            raise BrowserBotError(f"{exc.message.splitlines()[0]} (page errors: {errors or 'none'})") from exc
        finally:
            browser.close()


def browser_limiter(size: int = DEFAULT_BROWSERS) -> trio.CapacityLimiter:
    """The current run's limiter on concurrent browsers (created on first use)."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = trio.CapacityLimiter(size)
        _LIMITER.set(limiter)
        return limiter


async def run_browser_participant(
    base_url: str, seed: int, *, limiter: trio.CapacityLimiter | None = None, timeout: float = 30.0
) -> BrowserResult:
    """Run :func:`drive` in a worker thread, at most ``limiter`` browsers at a time."""
    reason = chromium_available()
    if reason:
        raise RuntimeError(f"browser bot cannot run: {reason}")
    return await trio.to_thread.run_sync(
        lambda: drive(base_url, seed, timeout=timeout), limiter=limiter or browser_limiter()
    )


async def browser_participant(bot: Bot) -> None:
    """A flow for ``Population``: one participant through the pages in Chromium.

    Options: ``browsers`` (concurrent browsers in this run, default 2) and
    ``timeout`` (seconds per step, default 30).  The target must be a URL: a browser
    cannot reach an in-process app.
    """
    base_url = str(bot.http.base_url).rstrip("/")
    if urlsplit(base_url).hostname == "simlab.in-process":
        raise RuntimeError("browser bots need a server URL (simlab scenario run --url http://...)")
    limiter = browser_limiter(int(bot.options.get("browsers", DEFAULT_BROWSERS)))
    seed = bot.random.getrandbits(63)
    result = await run_browser_participant(base_url, seed, limiter=limiter, timeout=float(bot.options.get("timeout", 30.0)))
    bot.observe("participant", result.participant_id)
    bot.observe("node", result.node_id)
    bot.observe("contents", result.contents)
    bot.decide("questionnaire", result.answers)
