"""Small inline SVG charts for the report: no JavaScript, no fonts or files to fetch.

Every text that goes into a chart is escaped here (labels may come from input data such as
platform names), and each function returns :class:`markupsafe.Markup` so the template
inserts the finished SVG as is.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from landeval._format import format_number

_FONT = 'font-family="sans-serif" font-size="11"'


def _num(value: float, decimals: int = 1) -> str:
    return format_number(value, decimals)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    series: Sequence[tuple[str, str]],
    *,
    width: int = 640,
    unit: str = "",
    percent: bool = False,
    title: str = "",
    show_totals: bool = True,
) -> Markup:
    """Horizontal stacked bars, one per row, with a legend above.

    Parameters
    ----------
    rows : sequence of (label, values)
        One bar per row; ``values`` align with ``series``.
    series : sequence of (name, colour)
        The stacked parts, in order.
    width : int
        Width of the SVG in pixels.
    unit : str
        Unit written after each bar's total.
    percent : bool
        Draw every bar at full width (shares of its own total).
    title : str
        Accessible title of the chart.
    show_totals : bool
        Write each bar's total at its end.
    """
    label_w, right_w, bar_h, gap = 96, 78, 16, 6
    plot_w = width - label_w - right_w
    legend, legend_h = _legend(series, x0=label_w, width=width)
    height = legend_h + len(rows) * (bar_h + gap) + 4
    totals = [sum(max(v, 0.0) for v in values) for _, values in rows]
    scale_max = max(totals, default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {_FONT}>',
        f"<title>{escape(title)}</title>",
        *legend,
    ]
    for i, ((name, values), total) in enumerate(zip(rows, totals, strict=True)):
        y = legend_h + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end">{escape(name)}</text>'
        )
        denom = (total if percent else scale_max) or 1.0
        x = float(label_w)
        for value, (sname, colour) in zip(values, series, strict=True):
            w = plot_w * max(value, 0.0) / denom
            if w <= 0:
                continue
            tip = f"{sname}: {_num(value)}{unit}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{escape(colour)}"><title>{escape(tip)}</title></rect>'
            )
            x += w
        if show_totals:
            shown = f"{_num(total)}{unit}"
            parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 4}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def diverging_bars(
    rows: Sequence[tuple[str, float]],
    *,
    width: int = 640,
    unit: str = "",
    title: str = "",
    positive: str = "#1a9850",
    negative: str = "#d73027",
) -> Markup:
    """Horizontal bars around a zero line: surplus to the right, shortfall to the left."""
    label_w, bar_h, gap, pad = 96, 16, 6, 70
    plot_w = width - label_w - 2 * pad
    height = len(rows) * (bar_h + gap) + 8
    biggest = max((abs(v) for _, v in rows), default=0.0) or 1.0
    zero = label_w + pad + plot_w / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {_FONT}>',
        f"<title>{escape(title)}</title>",
        f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#555"/>',
    ]
    for i, (name, value) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        w = (plot_w / 2) * abs(value) / biggest
        x = zero if value >= 0 else zero - w
        colour = positive if value >= 0 else negative
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end">{escape(name)}</text>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
        )
        tx, anchor = (x + w + 4, "start") if value >= 0 else (x - 4, "end")
        parts.append(
            f'<text x="{tx:.1f}" y="{y + bar_h - 4}" text-anchor="{anchor}">'
            f"{escape(format_number(value, 2, sign=True) + unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None], str, bool]],
    *,
    width: int = 640,
    height: int = 240,
    unit: str = "",
    title: str = "",
) -> Markup:
    """Lines over years; each series is (name, values, colour, dashed). None leaves a gap."""
    left, right, top, bottom = 56, 150, 22, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs, _, _ in series for v in vs if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    low, high = (low * 0.95, high * 1.05) if high > low else (low - 1, high + 1)
    n = max(len(years) - 1, 1)

    def px(k: int) -> float:
        return left + plot_w * k / n

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {_FONT}>',
        f"<title>{escape(title)}</title>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#ccc"/>',
    ]
    for tick in range(5):
        v = low + (high - low) * tick / 4
        parts.append(
            f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{_num(v, 0)}</text>'
        )
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{py(v):.1f}" y2="{py(v):.1f}" '
            'stroke="#eee"/>'
        )
    for k, year in enumerate(years):
        parts.append(f'<text x="{px(k):.1f}" y="{height - 10}" text-anchor="middle">{year}</text>')
    for j, (name, vs, colour, dashed) in enumerate(series):
        points = [(px(k), py(v)) for k, v in enumerate(vs) if v is not None]
        dash = ' stroke-dasharray="5,4"' if dashed else ""
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{escape(colour)}" '
                f'stroke-width="{1.5 if dashed else 2}"{dash}/>'
            )
        for x, y in points if not dashed else []:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{escape(colour)}"/>')
        ly = top + 10 + 16 * j
        parts.append(
            f'<line x1="{left + plot_w + 10}" x2="{left + plot_w + 30}" y1="{ly - 4}" '
            f'y2="{ly - 4}" stroke="{escape(colour)}" stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{left + plot_w + 34}" y="{ly}">{escape(name)}</text>')
    if unit:
        parts.append(f'<text x="4" y="12">{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _text_width(text: str) -> int:
    # rough pixel width at 11 px: CJK characters are about twice as wide as Latin ones
    return sum(12 if ord(c) > 0x2E7F else 7 for c in text)


def _legend(series: Sequence[tuple[str, str]], *, x0: int, width: int) -> tuple[list[str], int]:
    """Legend swatches laid out in lines that wrap at ``width``; returns parts and height."""
    parts: list[str] = []
    x, y = x0, 4
    for name, colour in series:
        item = 24 + _text_width(name)
        if x + item > width and x > x0:
            x, y = x0, y + 16
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{escape(colour)}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}">{escape(name)}</text>')
        x += item
    return parts, y + 18
