"""Run an experiment's own Dallinger bots, one per recruitment, as ``dallinger debug --bot`` does.

Dallinger's bot recruiter enqueues ``bot.run_experiment`` for every ad URL the
experiment asks for; its rq worker runs them.  Here each URL that arrives on a
trio channel starts one bot of the experiment's class.  Its ``run_experiment`` is
synchronous user code (Selenium calls, ``time.sleep``), so it runs in a worker
thread, a bounded number at once: ``browsers`` for Selenium bots, ``http_bots``
for ``HighPerformanceBotBase`` ones.  The run ends when the experiment has
no bot is left running and none is recruited within a moment, or at ``timeout``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import trio

from .events import BotEvent, Events

logger = logging.getLogger("simlab.engine.recruited")

POPULATION = "recruited bots"


@dataclass
class RecruitedBot:
    """One bot the experiment recruited: its ad URL, ids and outcome."""

    index: int
    url: str
    assignment_id: str
    worker_id: str
    hit_id: str
    outcome: str | None = None
    error: str | None = None
    seconds: float = 0.0
    #: The participant id the bot signed up as (read from the bot when it ends).
    participant_id: str | None = None
    #: The machine's failure (driver or browser gone, a port refusing) that made it start again, once.
    infrastructure_error: str | None = None


@dataclass
class RecruitedRun:
    """What a recruited-bot run did."""

    bots: list[RecruitedBot] = field(default_factory=list)
    timed_out: bool = False
    #: The experiment still had recruitment open when its last bot finished.
    recruitment_open: bool = False

    @property
    def failed(self) -> list[RecruitedBot]:
        return [b for b in self.bots if b.outcome != "finished"]


def _retry_url(url: str) -> str:
    """The ad URL for a second attempt: the same HIT, a new worker and assignment."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    for key in ("assignmentId", "workerId"):
        if key in query:
            query[key] += "-retry"
    return parts._replace(query=urlencode(query)).geturl()


def _ids(url: str) -> tuple[str, str, str]:
    query = parse_qs(urlsplit(url).query)
    first = lambda key: query.get(key, [""])[0]  # noqa: E731
    return first("assignmentId"), first("workerId"), first("hitId")


async def run_recruited_bots(
    recruits: trio.MemoryReceiveChannel[str],
    make_bot: Callable[[str, str, str, str], Any],
    *,
    recruiting: Callable[[], bool],
    events: Events,
    limiter: trio.CapacityLimiter,
    timeout: float,
    idle_grace: float = 2.0,
    run: RecruitedRun | None = None,
    infrastructure: Callable[[BaseException], str | None] = lambda exc: None,
) -> RecruitedRun:
    """Start a bot for every URL on ``recruits`` until all have finished and no new one is recruited.

    ``make_bot(url, assignment_id, worker_id, hit_id)`` builds a bot (Dallinger's
    ``BotBase`` constructor arguments); ``recruiting()`` tells whether the
    experiment may still recruit.  A bot whose ``run_experiment`` raises, or that
    is still running at ``timeout``, counts as failed.  Pass ``run`` to watch its
    ``bots`` fill in while the run goes (the live page does).  A bot that failed
    because of the machine (``infrastructure(exc)`` says why: a webdriver or browser
    that died, a port refusing) starts once more, as a new worker on the same ad; if
    the machine fails it again its outcome is ``"infrastructure"``, not ``"failed"``.
    """
    run = RecruitedRun() if run is None else run
    running = 0
    changed = trio.Event()

    async def one(bot_record: RecruitedBot) -> None:
        nonlocal running
        t0 = trio.current_time()
        events.bot_started.fire(BotEvent(bot=bot_record.index, population=POPULATION, at=t0))
        bot = None
        try:
            for attempt in range(2):
                ids = (bot_record.url, bot_record.assignment_id, bot_record.worker_id, bot_record.hit_id)
                if attempt:  # the same ad, as a new worker: the first one may have signed up already
                    ids = (_retry_url(bot_record.url), f"{ids[1]}-retry", f"{ids[2]}-retry", ids[3])
                    bot_record.assignment_id, bot_record.worker_id = ids[1], ids[2]
                try:
                    bot = make_bot(*ids)
                    await trio.to_thread.run_sync(bot.run_experiment, limiter=limiter, abandon_on_cancel=True)
                except Exception as exc:
                    why = infrastructure(exc)
                    if why is not None and attempt == 0:
                        bot_record.infrastructure_error = why
                        logger.warning("bot %d: the machine failed it (%s): starting it once more", bot_record.index, why)
                        continue
                    raise
                break
        except Exception as exc:  # the user's bot raised (or the machine failed it twice): the run goes on
            infra = infrastructure(exc)
            bot_record.outcome = "infrastructure" if infra else "failed"
            bot_record.error = infra or f"{type(exc).__name__}: {exc}"
            logger.warning("bot %d %s: %s", bot_record.index, bot_record.outcome, "".join(traceback.format_exception_only(exc)).strip())
        else:
            bot_record.outcome = "finished"
        finally:
            pid = getattr(bot, "participant_id", None)
            bot_record.participant_id = str(pid) if pid not in (None, "") else None
            bot_record.seconds = trio.current_time() - t0
            running -= 1
            events.bot_stopped.fire(
                BotEvent(
                    bot=bot_record.index,
                    population=POPULATION,
                    at=trio.current_time(),
                    outcome={"infrastructure": "failed"}.get(bot_record.outcome or "stopped", bot_record.outcome or "stopped"),
                    error=f"infrastructure: {bot_record.error}" if bot_record.outcome == "infrastructure" else bot_record.error,
                )
            )
            changed.set()

    with trio.move_on_after(timeout) as scope:
        async with trio.open_nursery() as nursery:

            async def receive() -> None:
                nonlocal running
                async for url in recruits:
                    record = RecruitedBot(len(run.bots), url, *_ids(url))
                    run.bots.append(record)
                    running += 1
                    nursery.start_soon(one, record)

            nursery.start_soon(receive)
            while True:
                await changed.wait()
                changed = trio.Event()
                if running == 0:
                    # a finished bot's completion may recruit the next one: give it a moment
                    with trio.move_on_after(idle_grace):
                        while running == 0:
                            await trio.sleep(0.05)
                    if running == 0:
                        # every bot is done and nobody new was recruited: the run is over, even if
                        # the experiment keeps its recruitment open (Dallinger would wait forever)
                        run.recruitment_open = recruiting()
                        break
            nursery.cancel_scope.cancel()
    if scope.cancelled_caught:
        run.timed_out = True
        for record in run.bots:
            if record.outcome is None:
                record.outcome, record.error = "stopped", f"still running after {timeout:g} s"
    return run
