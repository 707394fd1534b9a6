"""What the live page shows, read from the run's own objects on the trio thread.

:class:`LiveState` only reads: the run's :class:`RunStats`, the engine's counts,
the recruited bots' records and the latest snapshot of the server's networks
(refreshed by :meth:`LiveState.watch_networks` while a page is open).  Every
change the page should see bumps ``version`` and wakes the streams.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import trio

from .network_svg import network_svg
from .snapshot import Snapshot

#: Networks drawn on the page (the report draws them all; a live page stays light).
MAX_NETWORKS = 12


class LiveState:
    """The numbers of one run, as the page's JSON.

    Args:
        scenario: the run's name.
        stats: the run's ``RunStats`` (set when the run starts; ``None`` before).
        engine: the run's ``Engine`` (planned/active counts) or None.
        recruited: the recruited bots' records (``RecruitedBot``) or None.
    """

    def __init__(self, scenario: str, *, stats: Any = None, engine: Any = None, recruited: Sequence[Any] | None = None) -> None:
        self.scenario = scenario
        self.stats = stats
        self.engine = engine
        self.recruited = recruited
        self.phase = "starting"
        self.result: dict[str, Any] | None = None
        self.snapshot: Snapshot | None = None
        self.snapshot_version = 0
        self.version = 0
        self.watchers = 0
        self._changed = trio.Event()

    def touch(self) -> None:
        """Something the page shows changed: wake every stream."""
        self.version += 1
        self._changed.set()
        self._changed = trio.Event()

    async def changed(self) -> None:
        """Wait for the next :meth:`touch`."""
        await self._changed.wait()

    def attach(self, events: Any) -> LiveState:
        """Touch on every request and bot event of ``events`` (cheap: no work but a flag)."""
        for hook in (events.request, events.bot_started, events.bot_stopped):
            hook.add_listener(lambda _event: self.touch())
        return self

    def start(self, stats: Any, engine: Any = None) -> None:
        self.stats, self.engine, self.phase = stats, engine, "running"
        self.touch()

    def finish(self, report: dict[str, Any] | None) -> None:
        """The run ended: keep its verdict and checks for the page."""
        self.phase, self.result = "finished", report
        self.touch()

    def set_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.snapshot_version += 1
        self.touch()

    def stats_json(self) -> dict[str, Any]:
        """Counts, routes, timeline and latency histogram: what the charts and tables draw."""
        out: dict[str, Any] = {"scenario": self.scenario, "phase": self.phase, "version": self.version}
        if self.stats is None:
            return out
        summary = self.stats.summary()
        bots = dict(summary["bots"])
        bots["active"] = bots["started"] - bots["finished"] - bots["failed"] - bots["stopped"]
        if self.engine is not None:
            bots["planned"] = self.engine.statistics().planned
        out.update(
            bots=bots,
            total=summary["total"],
            routes=summary["routes"],
            timeline=self.stats.timeline_series(),
            histogram=[[v * 1000, n] for v, n in self.stats.total.latency.items()],
        )
        if self.recruited is not None:
            out["recruited"] = [_recruited_row(b) for b in list(self.recruited)]
        if self.result is not None:
            out["result"] = {k: self.result.get(k) for k in ("passed", "checks", "thresholds", "final_state_digest")}
        return out

    def networks_json(self) -> dict[str, Any]:
        """The latest snapshot's networks, drawn as the report draws them."""
        snap = self.snapshot
        if snap is None:
            return {"version": self.snapshot_version, "networks": []}
        nets = []
        for ident, net in sorted(snap.networks.items())[:MAX_NETWORKS]:
            nodes = snap.nodes_in(ident)
            nets.append(
                {
                    "id": ident,
                    "caption": f"network {ident} · {net.get('type')} · full={net.get('full')} · {len(nodes)} nodes",
                    "svg": network_svg(net, nodes, snap.participants),
                }
            )
        return {"version": self.snapshot_version, "count": len(snap.networks), "networks": nets}

    async def watch_networks(self, read: Callable[[], Any], *, every: float = 2.0) -> None:
        """Re-read the server's networks every ``every`` seconds while a page is open (until cancelled).

        ``read()`` returns a :class:`Snapshot` (the same reader as the report's); a
        failed read keeps the previous picture.
        """
        while True:
            if self.watchers:
                try:
                    self.set_snapshot(await read())
                except Exception:  # a server busy or gone: the page keeps the last picture
                    pass
            await trio.sleep(every)


def _recruited_row(bot: Any) -> dict[str, Any]:
    return {
        "index": bot.index,
        "participant_id": bot.participant_id,
        "state": bot.outcome or "running",
        "seconds": round(bot.seconds, 1),
        "url": bot.url,
        "error": bot.error,
    }
