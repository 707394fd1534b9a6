"""The machine's failures (a webdriver or browser that died, a port refusing) are told apart from the study's."""

from __future__ import annotations

import math

import pytest
import trio

from simlab.compat.dallinger.browsers import infrastructure
from simlab.engine.events import Events
from simlab.engine.recruited import run_recruited_bots


class MaxRetryError(Exception):
    """urllib3's name: Selenium's call to its chromedriver found the port closed."""


@pytest.mark.parametrize(
    ("exc", "machine"),
    [
        (MaxRetryError("HTTPConnectionPool(host='localhost', port=4444): Max retries exceeded"), True),
        (RuntimeError("unknown error: session deleted because of page crash"), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (KeyError("answer"), False),
        (AssertionError("the page had no #submit"), False),
    ],
)
def test_infrastructure_is_read_from_the_exception(exc: Exception, machine: bool) -> None:
    assert (infrastructure(exc) is not None) is machine


def test_a_cause_chain_counts() -> None:
    try:
        try:
            raise ConnectionResetError(104, "Connection reset by peer")
        except ConnectionResetError as inner:
            raise ValueError("the bot could not read the page") from inner
    except ValueError as outer:
        assert infrastructure(outer) == "ConnectionResetError: [Errno 104] Connection reset by peer"


async def _run(fail: list[Exception]) -> list:
    send, recruits = trio.open_memory_channel[str](math.inf)

    class Bot:
        def __init__(self, url: str, assignment_id: str, worker_id: str, hit_id: str) -> None:
            self.worker_id = worker_id

        def run_experiment(self) -> None:
            if fail:
                raise fail.pop(0)

    send.send_nowait("http://x/ad?assignmentId=A1&workerId=W1&hitId=H")
    run = await run_recruited_bots(
        recruits, Bot, recruiting=lambda: False, events=Events(), limiter=trio.CapacityLimiter(1), timeout=30,
        idle_grace=0.01, infrastructure=infrastructure,
    )
    return run.bots


async def test_a_machine_failure_is_retried_once_as_a_new_worker() -> None:
    [bot] = await _run([ConnectionRefusedError(111, "Connection refused")])
    assert bot.outcome == "finished" and bot.worker_id == "W1-retry" and bot.assignment_id == "A1-retry"
    assert bot.infrastructure_error == "ConnectionRefusedError: [Errno 111] Connection refused"


async def test_twice_is_the_machine_not_the_study() -> None:
    [bot] = await _run([ConnectionRefusedError(111, "Connection refused")] * 2)
    assert bot.outcome == "infrastructure"


async def test_the_studys_own_failure_is_not_retried() -> None:
    [bot] = await _run([KeyError("answer"), KeyError("answer")])
    assert bot.outcome == "failed" and bot.worker_id == "W1" and bot.error == "KeyError: 'answer'"
