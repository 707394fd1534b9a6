"""The run report: ``report.json`` (machine-readable) and ``report.html`` (for people).

``report.json`` holds the seed, the configuration, per-route counts, errors and
percentiles, bot outcomes, the timeline, check and threshold results, and
``final_state_digest``.  The report folder also gets ``final_state.json`` (the
snapshot the digest hashes) and ``decisions.jsonl`` (each bot's decisions and
observations), so
two runs can be diffed, not only compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..._version import __version__
from .html import render_html
from ..scenario import CheckResult
from .snapshot import Snapshot
from .stats import RunStats


def decisions_digest(decisions: Mapping[int, list[tuple[str, object]]]) -> str:
    """Return ``sha256:<hex>`` of every bot's decision log, in bot id order.

    Decisions are the seeded choices only (observations are kept apart), so the
    digest repeats for a seed over real sockets too.
    """
    h = hashlib.sha256()
    for bot in sorted(decisions):
        h.update(json.dumps([bot, decisions[bot]], default=repr, separators=(",", ":")).encode())
        h.update(b"\n")
    return "sha256:" + h.hexdigest()


def failure_lines(data: Mapping[str, Any]) -> list[str]:
    """Why a run failed, as plain lines: failing checks and thresholds, top bot and request errors.

    ``data`` is the content of ``report.json``.  Printed by the command (also with
    ``--quiet``) and shown at the top of ``report.html``.
    """
    lines = [f"warning: {w}" for w in data.get("warnings") or ()]
    lines += [f"check failed: {r['name']}: {r['message']}" for r in data.get("checks", ()) if not r["passed"]]
    for error in data.get("experiment_errors") or ():  # the researcher's own exception, with their frames
        times = f" ({error['count']}x)" if error.get("count", 1) > 1 else ""
        lines.append("\n".join([f"experiment error{times} in {error['where']}: {error['error']}", *error["traceback"]]))
    lines += [f"threshold failed: {r['name']}: {r['message']}" for r in data.get("thresholds", ()) if not r["passed"]]
    for message, count in (data.get("bots", {}).get("top_errors") or {}).items():
        lines.append(f"bot error ({count}x): {message}")
    for route in data.get("routes", ()):
        for message, count in (route.get("top_errors") or {}).items():
            lines.append(f"request error ({count}x) on {route['name']}: {message}")
    return lines


@dataclass
class RunReport:
    """Everything a finished run knows, ready to write."""

    scenario: str
    seed: int
    config: dict[str, Any]
    stats: RunStats
    checks: list[CheckResult]
    thresholds: list[CheckResult]
    snapshot: Snapshot | None
    decisions: Mapping[int, list[tuple[str, object]]]
    duration: dict[str, float]
    description: str = ""
    observations: Mapping[int, list[tuple[str, object]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when every check and every threshold passed."""
        return all(r.passed for r in (*self.checks, *self.thresholds))

    def to_dict(self) -> dict[str, Any]:
        """Return the content of ``report.json``."""
        summary = self.stats.summary()
        return {
            "simlab_version": __version__,
            "scenario": self.scenario,
            "description": self.description,
            "seed": self.seed,
            "passed": self.passed,
            "config": self.config,
            "duration": self.duration,
            "bots": summary["bots"],
            "total": summary["total"],
            "routes": summary["routes"],
            "timeline": self.stats.timeline_series(),
            "checks": [r.as_dict() for r in self.checks],
            "thresholds": [r.as_dict() for r in self.thresholds],
            "final_state_digest": self.snapshot.digest() if self.snapshot else None,
            "decisions_digest": decisions_digest(self.decisions),
            "networks": [
                {**net, "nodes_seen": len(self.snapshot.nodes_in(int(net["id"])))} for net in self.snapshot.networks.values()
            ]
            if self.snapshot
            else [],
            **self.extra,
        }

    def write(self, directory: str | Path) -> Path:
        """Write ``report.json``, ``report.html``, ``final_state.json`` and ``decisions.jsonl``; return the folder."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        data = self.to_dict()
        (out / "report.json").write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
        (out / "report.html").write_text(render_html(data, self.stats, self.snapshot), encoding="utf-8")
        if self.snapshot is not None:
            (out / "final_state.json").write_text(json.dumps(self.snapshot.as_dict(), indent=1, default=str) + "\n", encoding="utf-8")
        with (out / "decisions.jsonl").open("w", encoding="utf-8") as fh:
            for bot in sorted(self.decisions):
                line = {"bot": bot, "decisions": self.decisions[bot], "observations": self.observations.get(bot, [])}
                fh.write(json.dumps(line, default=repr) + "\n")
        return out
