"""Small inline-SVG charts for the HTML report (no plotting library needed).

Each function returns one ``<svg>`` element as a string; every label is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

WIDTH, HEIGHT = 640, 240
PAD_L, PAD_R, PAD_T, PAD_B = 56, 16, 24, 36
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp  # pragma: no cover


def _frame(title: str, x_label: str, y_label: str, x_max: float, y_max: float, x_min: float = 0.0) -> list[str]:
    w, h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        f"<title>{_esc(title)}</title>",
        f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{_esc(title)}</text>',
        f'<rect x="{PAD_L}" y="{PAD_T}" width="{w}" height="{h}" fill="none" stroke="#999"/>',
    ]
    for i in range(5):
        y = PAD_T + h - h * i / 4
        out.append(f'<line x1="{PAD_L}" x2="{PAD_L + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{y_max * i / 4:.3g}</text>')
    for i in range(5):
        x = PAD_L + w * i / 4
        out.append(f'<text x="{x:.1f}" y="{PAD_T + h + 14}" text-anchor="middle" font-size="10">{x_min + (x_max - x_min) * i / 4:.3g}</text>')
    out.append(f'<text x="{PAD_L + w / 2}" y="{HEIGHT - 4}" text-anchor="middle" font-size="11">{_esc(x_label)}</text>')
    out.append(
        f'<text x="12" y="{PAD_T + h / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 12 {PAD_T + h / 2})">{_esc(y_label)}</text>'
    )
    return out


def line_chart(title: str, series: Sequence[tuple[str, Sequence[tuple[float, float]]]], x_label: str, y_label: str) -> str:
    """Draw named series of ``(x, y)`` points as polylines with markers and a legend."""
    points = [p for _, pts in series for p in pts]
    if not points:
        return empty_chart(title)
    x_max = max(x for x, _ in points) or 1.0
    y_max = _nice_max(max(y for _, y in points))
    w, h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    out = _frame(title, x_label, y_label, x_max, y_max)
    for k, (name, pts) in enumerate(series):
        color = COLORS[k % len(COLORS)]
        coords = [(PAD_L + w * x / x_max, PAD_T + h - h * y / y_max) for x, y in pts]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5"/>')
        out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{color}"/>' for x, y in coords)
        out.append(f'<text x="{PAD_L + 8 + 90 * k}" y="{PAD_T + 14}" font-size="11" fill="{color}">{_esc(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def histogram_chart(title: str, values: Sequence[tuple[float, int]], x_label: str, bins: int = 30) -> str:
    """Draw ``(value, count)`` pairs as ``bins`` equal-width bars (the last one open-ended)."""
    if not values:
        return empty_chart(title)
    lo, top = min(v for v, _ in values), max(v for v, _ in values)
    # a few slow outliers would squash every bar into the first one: the range stops at
    # twice the 99th percentile and the last bar collects everything above it
    total, seen, p99 = sum(n for _, n in values), 0, top
    for v, n in sorted(values):
        seen += n
        if seen >= 0.99 * total:
            p99 = v
            break
    hi = min(top, lo + 2 * (p99 - lo)) if p99 > lo else top
    width = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for v, n in values:
        counts[min(bins - 1, int((v - lo) / width))] += n
    y_max = _nice_max(max(counts))
    w, h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    out = _frame(title, x_label, "requests", lo + width * bins, y_max, x_min=lo)
    bar = w / bins
    for i, n in enumerate(counts):
        bh = h * n / y_max
        out.append(
            f'<rect x="{PAD_L + i * bar + 1:.1f}" y="{PAD_T + h - bh:.1f}" width="{max(bar - 2, 1):.1f}" height="{bh:.1f}" fill="{COLORS[0]}">'
            f"<title>{lo + i * width:.4g}–{lo + (i + 1) * width:.4g}: {n}</title></rect>"
        )
    out.append("</svg>")
    return "\n".join(out)


def empty_chart(title: str) -> str:
    """An empty frame saying there is no data."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="60" role="img"><title>{_esc(title)}</title>'
        f'<text x="10" y="34" font-size="13">{_esc(title)}: no data</text></svg>'
    )
