"""The live progress fits an 80-column terminal: no header is cut to "acti…"."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
import trio
from rich.console import Console

from simlab.engine.reporting.progress import Progress
from simlab.engine.reporting.stats import RunStats


def render(width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system=None)
    counts = SimpleNamespace(active=12, finished=123, failed=4, stopped=0, planned=2000)
    engine = SimpleNamespace(statistics=lambda: counts, origin=0.0)

    async def main() -> None:
        console.print(Progress(console, RunStats(), engine, virtual=True).render())  # type: ignore[arg-type]

    trio.run(main)
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_every_header_is_whole(width: int) -> None:
    text = render(width)
    assert "…" not in text
    for header in ("time", "bots active", "finished", "failed", "stopped", "planned", "requests", "req/s", "errors", "p50 ms", "p99 ms"):
        assert header in text, (header, text)
    assert max(len(line) for line in text.splitlines()) <= width
