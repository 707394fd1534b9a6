"""Draw a network (nodes, vectors, infos) as inline SVG for the HTML report.

Layout is a circle in id order, with a straight row for chains (every node at most
one parent) — readable for the topologies scenarios use, and deterministic.
Live vectors are solid arrows, failed ones dashed; a node's label shows its id and
how many infos it made; the tooltip lists its participant and infos.
"""

from __future__ import annotations

import html
import math
from typing import Any

from .snapshot import NodeState

SIZE = 420
R_NODE = 14


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _layout(nodes: list[NodeState], edges: list[tuple[int, int]]) -> dict[int, tuple[float, float]]:
    ids = [n.id for n in nodes]
    indegree = {i: 0 for i in ids}
    for _, dst in edges:
        if dst in indegree:
            indegree[dst] += 1
    one_way = not any((b, a) in set(edges) for a, b in edges)
    if one_way and all(d <= 1 for d in indegree.values()) and len(ids) > 1:
        cols = max(1, min(len(ids), 8))
        rows = math.ceil(len(ids) / cols)
        step_x = (SIZE - 2 * R_NODE - 20) / max(cols - 1, 1)
        step_y = (SIZE - 2 * R_NODE - 20) / max(rows, 1)
        pos = {}
        for k, ident in enumerate(ids):
            row, col = divmod(k, cols)
            if row % 2:
                col = cols - 1 - col  # snake so consecutive nodes stay adjacent
            pos[ident] = (R_NODE + 10 + col * step_x, R_NODE + 10 + row * step_y + step_y / 2)
        return pos
    radius = SIZE / 2 - R_NODE - 12
    if len(ids) == 1:
        return {ids[0]: (SIZE / 2, SIZE / 2)}
    return {
        ident: (SIZE / 2 + radius * math.cos(2 * math.pi * k / len(ids) - math.pi / 2), SIZE / 2 + radius * math.sin(2 * math.pi * k / len(ids) - math.pi / 2))
        for k, ident in enumerate(ids)
    }


def network_svg(network: dict[str, Any], nodes: list[NodeState], participants: dict[int, dict[str, Any]]) -> str:
    """Return an ``<svg>`` drawing of ``network`` with its ``nodes`` and their vectors."""
    live = [(int(v["origin_id"]), int(v["destination_id"])) for n in nodes for v in n.vectors]
    dead = [(int(v["origin_id"]), int(v["destination_id"])) for n in nodes for v in n.failed_vectors]
    pos = _layout(nodes, live)
    title = f"network {network.get('id')} ({network.get('type')}): {len(nodes)} nodes, {len(live)} vectors"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img">',
        f"<title>{_esc(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<rect width="{SIZE}" height="{SIZE}" fill="#fcfcfc" stroke="#ddd"/>',
    ]
    for edges, dash in ((live, ""), (dead, ' stroke-dasharray="4 3"')):
        for a, b in edges:
            if a not in pos or b not in pos:
                continue
            (x1, y1), (x2, y2) = pos[a], pos[b]
            d = math.hypot(x2 - x1, y2 - y1) or 1.0
            ux, uy = (x2 - x1) / d, (y2 - y1) / d
            out.append(
                f'<line x1="{x1 + ux * R_NODE:.1f}" y1="{y1 + uy * R_NODE:.1f}" x2="{x2 - ux * R_NODE:.1f}" y2="{y2 - uy * R_NODE:.1f}"'
                f' stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"{dash}/>'
            )
    for node in nodes:
        x, y = pos[node.id]
        status = participants.get(node.participant_id or -1, {}).get("status", "")
        fill = {"approved": "#b7e4c7", "working": "#ffe8a3", "submitted": "#cde4ff"}.get(status, "#e5e5e5")
        tip = f"node {node.id} · participant {node.participant_id} ({status}) · {len(node.infos)} infos"
        contents = "; ".join(str(i.get("contents"))[:40] for i in node.infos[:3])
        out.append(
            f'<g><title>{_esc(tip + (": " + contents if contents else ""))}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R_NODE}" fill="{fill}" stroke="#333"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="10">{node.id}</text>'
            f'<text x="{x + R_NODE:.1f}" y="{y - R_NODE:.1f}" font-size="9" fill="#666">{len(node.infos) or ""}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)
