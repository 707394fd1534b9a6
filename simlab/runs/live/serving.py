"""Around a run: the live page served beside it, and SIGINT/SIGTERM turned into its interrupt."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import outcome
import trio
from rich.console import Console

from ...engine.interrupt import Interrupt
from ...engine.reporting.live import LiveState
from ...engine.reporting.report import RunReport
from ...engine.runner import RunOptions, live_ended


async def with_signals(options: RunOptions, run: Callable[..., Awaitable[RunReport]]) -> RunReport:
    """``run(interrupt=...)``, with SIGINT/SIGTERM turned into its interrupt when ``options.handle_signals``."""
    if not options.handle_signals:
        return await run()
    interrupt = Interrupt()
    async with trio.open_nursery() as nursery:
        await nursery.start(interrupt.watch)
        result = await outcome.acapture(run, interrupt=interrupt)  # the run's own error, not a nursery's group
        nursery.cancel_scope.cancel()
    return result.unwrap()


async def with_live_page(
    options: RunOptions, name: str, recruited: Sequence[Any] | None, console: Console | None,
    run: Callable[..., Awaitable[RunReport]], **kw: Any,
) -> RunReport:
    """``run(live=...)`` with the live page served while it goes (``options.web_port``; else just ``run``)."""
    if options.web_port is None:
        return await run(**kw)
    from .server import serve_live

    live = LiveState(name, recruited=recruited)
    async with trio.open_nursery() as web:
        url = await web.start(functools.partial(serve_live, live, port=options.web_port))
        (console or Console(stderr=True)).print(f"live page: {url}", highlight=False, soft_wrap=True)
        result = await outcome.acapture(run, live=live, **kw)
        await live_ended(live)
        web.cancel_scope.cancel()
    return result.unwrap()
