"""Server-rendered SVG line charts (no script, no chart library): one polyline per series on
shared axes, with gaps where a value is missing, ticks, and a legend. Pure: values in, markup
out; every label is escaped. Positions are computed in Decimal: the values are money."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

COLOURS = ("#2563eb", "#16a34a", "#d97706", "#dc2626")


def _nice_top(value: Decimal) -> Decimal:
    """The axis top: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in ("1", "2", "2.5", "5", "10"):
        if value <= Decimal(step) * magnitude:
            return Decimal(step) * magnitude
    return 10 * magnitude  # pragma: no cover - 10 x magnitude always covers value


def line_chart(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[Decimal | None]],
    *,
    unit: str = "",
    width: int = 640,
    height: int = 220,
) -> str:
    """An SVG chart of ``series`` over ``labels`` (x positions evenly spaced)."""
    left, right, top, bottom = 56, 12, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for values in series.values() for v in values if v is not None]
    low = min([Decimal(0), *known])
    high = _nice_top(max([Decimal(0), *known]))
    span = (high - low) or Decimal(1)
    n = max(len(labels), 2)

    def x(i: int) -> Decimal:
        return left + Decimal(plot_w * i) / (n - 1)

    def y(v: Decimal) -> Decimal:
        return top + plot_h * (1 - (v - low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{left}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for k in range(5):
        v = low + span * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{escape(f"{v:,.0f}")}</text>'
        )
    step = max(1, len(labels) // 6)
    for i in range(0, len(labels), step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 16}" font-size="10" '
            f'text-anchor="middle">{escape(labels[i])}</text>'
        )
    for idx, (name, values) in enumerate(series.items()):
        colour = COLOURS[idx % len(COLOURS)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(value):.1f}")
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
            elif run:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                    f'points="{" ".join(run)}"/>'
                )
        lx = left + idx * 120
        parts.append(
            f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{escape(name)}'
            f"{escape(' (' + unit + ')') if unit else ''}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
