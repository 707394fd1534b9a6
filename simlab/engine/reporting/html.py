"""Render ``report.html``: one self-contained page (inline CSS and SVG, no scripts)."""

from __future__ import annotations

import html
import json
from typing import Any

from .network_svg import network_svg
from .snapshot import Snapshot
from .stats import RunStats
from .svg import histogram_chart, line_chart

CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#157f3b;font-weight:bold}.fail{color:#b00020;font-weight:bold}
.nets{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-size:12px;color:#555}
code{background:#f5f5f5;padding:1px 4px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.2f}"


def _results(title: str, results: list[dict[str, Any]]) -> str:
    if not results:
        return f"<h2>{_e(title)}</h2><p>none</p>"
    rows = "".join(
        f'<tr><td class="{"pass" if r["passed"] else "fail"}">{"PASS" if r["passed"] else "FAIL"}</td>'
        f"<td>{_e(r['name'])}</td><td>{_e(r['message'])}</td></tr>"
        for r in results
    )
    return f"<h2>{_e(title)}</h2><table><tr><th></th><th>name</th><th>message</th></tr>{rows}</table>"


def _failures(data: dict[str, Any]) -> str:
    """What went wrong, first: failing checks and thresholds, top bot and request errors with counts."""
    from .report import failure_lines

    lines = failure_lines(data)
    if not lines:
        return ""
    items = "".join(f"<li><pre>{_e(line)}</pre></li>" if "\n" in line else f"<li><code>{_e(line)}</code></li>" for line in lines)
    return f'<h2 class="fail">Why it failed</h2><ul>{items}</ul>' if not data["passed"] else f"<h2>Errors</h2><ul>{items}</ul>"


def _bot_errors(data: dict[str, Any]) -> str:
    errors = data["bots"].get("top_errors") or {}
    if not errors:
        return ""
    rows = "".join(f"<tr><td class=num>{count}</td><td><code>{_e(message)}</code></td></tr>" for message, count in errors.items())
    return f"<h2>Top bot errors</h2><table><tr><th>bots</th><th>error</th></tr>{rows}</table>"


def _routes(data: dict[str, Any]) -> str:
    head = "<tr><th>route</th><th>count</th><th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>statuses</th></tr>"
    rows = "".join(
        f"<tr><td><code>{_e(r['name'])}</code></td><td class=num>{r['count']}</td><td class=num>{r['errors']}</td>"
        f"<td class=num>{_ms(r['p50'])}</td><td class=num>{_ms(r['p90'])}</td><td class=num>{_ms(r['p99'])}</td>"
        f"<td class=num>{_ms(r['max'])}</td><td>{_e(r['statuses'])}</td></tr>"
        for r in [*data["routes"], data["total"]]
    )
    return f"<table>{head}{rows}</table>"


def _shards(data: dict[str, Any]) -> str:
    """The per-shard table of a distributed run (empty for a one-process run)."""
    shards = data.get("shards")
    if not shards:
        return ""
    cols = ("shard", "status", "worker", "started", "finished", "failed", "stopped", "requests", "errors")
    head = "".join(f"<th>{c}</th>" for c in cols) + "<th>p50 ms</th><th>p99 ms</th><th>decisions</th><th>error</th>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(r[c])}</td>" for c in cols)
        + f"<td class=num>{_ms(r['p50'])}</td><td class=num>{_ms(r['p99'])}</td>"
        f"<td><code>{_e(r['decisions_digest'] or '–')}</code></td><td>{_e(r['error'] or '')}</td></tr>"
        for r in shards
    )
    return f"<h2>Shards</h2><table><tr>{head}</tr>{rows}</table>"


def _recruited(data: dict[str, Any]) -> str:
    """The bots an experiment recruited (``simlab scenario run FOLDER``), one row each."""
    bots = data.get("recruited_bots")
    if not bots:
        return ""
    rows = "".join(
        f"<tr><td class=num>{b['index']}</td><td>{_e(b.get('participant_id') or '–')}</td><td>{_e(b['outcome'])}</td>"
        f"<td class=num>{b['seconds']:.1f}</td><td><code>{_e(b['url'])}</code></td><td>{_e(b.get('error') or '')}</td></tr>"
        for b in bots
    )
    head = "<tr><th>bot</th><th>participant</th><th>outcome</th><th>s</th><th>ad URL</th><th>error</th></tr>"
    return f"<h2>Recruited bots</h2><table>{head}{rows}</table>"


def render_html(data: dict[str, Any], stats: RunStats, snapshot: Snapshot | None) -> str:
    """Return the whole HTML page for a report's ``data`` (the ``report.json`` content)."""
    verdict = '<span class="pass">PASSED</span>' if data["passed"] else '<span class="fail">FAILED</span>'
    timeline = data["timeline"]
    latency = line_chart(
        "latency over time",
        [(name, [(p["t"], (p[name] or 0) * 1000) for p in timeline]) for name in ("p50", "p99")],
        "seconds since start",
        "ms",
    )
    throughput = line_chart(
        "requests per bucket", [("requests", [(p["t"], p["count"]) for p in timeline]), ("errors", [(p["t"], p["errors"]) for p in timeline])], "seconds since start", "requests"
    )
    hist = histogram_chart("latency histogram (all routes)", [(v * 1000, n) for v, n in stats.total.latency.items()], "ms")
    nets = ""
    if snapshot is not None:
        figures = [
            f"<figure>{network_svg(net, snapshot.nodes_in(ident), snapshot.participants)}"
            f"<figcaption>network {ident} · {_e(net.get('type'))} · full={_e(net.get('full'))} · "
            f"{_e(net.get('n_alive_nodes'))} alive nodes</figcaption></figure>"
            for ident, net in sorted(snapshot.networks.items())
        ]
        nets = f'<h2>Networks</h2><div class="nets">{"".join(figures) or "<p>no networks</p>"}</div>'
    bots = data["bots"]
    config = html.escape(json.dumps(data["config"], indent=2, default=str))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>simlab report: {_e(data["scenario"])}</title><style>{CSS}</style></head>
<body>
<h1>{_e(data["scenario"])} {verdict}</h1>
<p>{_e(data.get("description", ""))}</p>
<p>seed <code>{_e(data["seed"])}</code> · final state <code>{_e(data["final_state_digest"])}</code> ·
decisions <code>{_e(data["decisions_digest"])}</code> · simlab {_e(data["simlab_version"])}</p>
<p>bots: {bots["started"]} started, {bots["finished"]} finished, {bots["failed"]} failed, {bots["stopped"]} stopped ·
duration {data["duration"].get("run", 0):.2f} s run time, {data["duration"].get("real", 0):.2f} s real</p>
{_failures(data)}
{_results("Checks", data["checks"])}
{_results("Thresholds", data["thresholds"])}
{_bot_errors(data)}
{_recruited(data)}
<h2>Routes</h2>{_routes(data)}
<p>retried on a stale connection: {data["total"].get("stale_retries", 0)}</p>
{_shards(data)}
<h2>Latency</h2>{latency}{throughput}{hist}
{nets}
<h2>Configuration</h2><pre>{config}</pre>
</body></html>
"""
