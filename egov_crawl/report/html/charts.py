"""Charts as hand-built inline SVG: no plotting library, no script, no external file, so a report opens offline.

Every text that reaches the SVG goes through ``markupsafe.escape`` (agency names and titles come from scraped
or registry data); numbers are formatted here. Each chart is an ``<svg role="img">`` with a ``<title>`` so a
screen reader announces it (WCAG 2.1 SC 1.1.1, non-text content), and each mark carries its own ``<title>``
tooltip with the exact value. Scores are on the 0–100 scale of the methodology.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Colour-blind-safe categorical palette (Okabe & Ito, "Color Universal Design", 2008).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
AXIS = "#6b7280"
GRID = "#e5e7eb"
NO_SCORES = "no agency has a score here (insufficient evidence)"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _svg(width: float, height: float, label: str, body: Iterable[str], css_class: str = "chart") -> Markup:
    inner = "".join(body)
    return Markup(
        f'<svg class="{css_class}" role="img" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" xmlns="http://www.w3.org/2000/svg" {FONT}><title>{escape(label)}</title>'
        f"{inner}</svg>"
    )


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = "#111827", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(content)}</text>'


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None
    coverage: float | None = None
    low: float | None = None  # the sub-index's range if every unobserved indicator passed / failed (§8.3)
    high: float | None = None
    note: str | None = None  # shown instead of a bar when there is no score ("not applicable", …)
    strong: bool = False  # pillars bold, sub-indices plain


def bar_chart(bars: Sequence[Bar], *, label: str, width: int = 720) -> Markup:
    """Horizontal bars, one per pillar or sub-index: the score bar, its low–high range as a whisker, and the
    coverage as a thin grey bar underneath (a score on little evidence should look like it)."""
    label_w, value_w, row_h, top = 260, 150, 34, 22
    plot_w = width - label_w - value_w
    height = top + row_h * len(bars) + 8

    def x(value: float) -> float:
        return label_w + plot_w * max(0.0, min(100.0, value)) / 100

    body = [_axis_ticks(x, top, height - 8)]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        weight = ' font-weight="600"' if bar.strong else ""
        body.append(_text(label_w - 8, y + 14, _clip(bar.label, 38), anchor="end", extra=weight))
        if bar.score is None:
            body.append(_text(label_w + 4, y + 14, bar.note or "insufficient evidence", fill=AXIS))
        else:
            colour = PALETTE[0] if bar.strong else PALETTE[4]
            tip = f"{bar.label}: {number(bar.score)} (coverage {percent(bar.coverage)})"
            body.append(
                f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{x(bar.score) - label_w:.1f}" height="14" '
                f'fill="{colour}"><title>{escape(tip)}</title></rect>'
            )
            if bar.low is not None and bar.high is not None and bar.high > bar.low:
                body.append(
                    f'<line x1="{x(bar.low):.1f}" x2="{x(bar.high):.1f}" y1="{y + 11}" y2="{y + 11}" '
                    f'stroke="#111827" stroke-width="1.5"/>'
                )
            body.append(_text(width - value_w + 8, y + 15, number(bar.score), extra=weight))
        if bar.coverage is not None:
            body.append(
                f'<rect class="coverage" x="{label_w}" y="{y + 21}" width="{x(100 * bar.coverage) - label_w:.1f}" '
                f'height="4" fill="#9ca3af"/>'
            )
            body.append(_text(width - value_w + 52, y + 15, f"cov {percent(bar.coverage)}", fill=AXIS))
    return _svg(width, height, label, body)


def _axis_ticks(scale: Callable[[float], float], top: float, bottom: float) -> str:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        px = scale(tick)
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(_text(px, top - 8, str(tick), anchor="middle", fill=AXIS))
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # one per point of the x axis; None: no score that run


def trend_chart(x_labels: Sequence[str], series: Sequence[Series], *, label: str, width: int = 720) -> Markup:
    """Scores run by run: one line per series, one marker per scored run (``circle.point``)."""
    left, right, top, bottom = 44, 210, 16, 40
    height = 240
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(x_labels)

    def px(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def py(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, value)) / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, py(tick) + 4, str(tick), anchor="end", fill=AXIS))
    step = max(1, n // 8)  # at most ~8 x labels, so they do not overlap
    for i, x_label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            body.append(_text(px(i), height - bottom + 18, x_label, anchor="middle", fill=AXIS))
    for s_index, item in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [(px(i), py(v), v, x_labels[i]) for i, v in enumerate(item.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            wide = "2.5" if s_index == 0 else "1.5"
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{wide}"/>')
        for x, y, v, x_label in points:
            tip = f"{item.name}, {x_label}: {number(v)}"
            body.append(
                f'<circle class="point" data-series="{escape(item.name)}" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                f'fill="{colour}"><title>{escape(tip)}</title></circle>'
            )
        legend_y = top + 10 + 18 * s_index
        body.append(f'<rect x="{width - right + 14}" y="{legend_y - 9}" width="12" height="12" fill="{colour}"/>')
        name = item.name if points else f"{item.name} (no score)"
        body.append(_text(width - right + 32, legend_y + 1, _clip(name, 28), fill="#111827" if points else AXIS))
    return _svg(width, height, label, body)


def histogram(values: Sequence[float], *, label: str, bins: int = 10, width: int = 340, colour: str = "") -> Markup:
    """How many agencies score in 0–10, 10–20, … 90–100 (the top bin includes 100)."""
    left, top, bottom, height = 30, 14, 30, 170
    plot_w, plot_h = width - left - 10, height - top - bottom
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int(max(0.0, value) * bins // 100))] += 1
    peak = max(counts) or 1
    bin_w = plot_w / bins
    body = [f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{AXIS}"/>']
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * bin_w
        low, high = 100 * i // bins, 100 * (i + 1) // bins
        if count:
            body.append(
                f'<rect class="bin" x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bin_w - 2:.1f}" '
                f'height="{h:.1f}" fill="{colour or PALETTE[0]}"><title>{low}–{high}: {count}</title></rect>'
            )
            body.append(_text(x + bin_w / 2, top + plot_h - h - 3, str(count), anchor="middle", fill=AXIS))
        if i % 2 == 0:
            body.append(_text(x, height - bottom + 16, str(low), anchor="middle", fill=AXIS))
    body.append(_text(left + plot_w, height - bottom + 16, "100", anchor="middle", fill=AXIS))
    if not values:
        body.append(_text(left + plot_w / 2, top + plot_h / 2, NO_SCORES, anchor="middle", fill=AXIS))
    body.append(_text(left + plot_w / 2, height - 4, f"{len(values)} agencies", anchor="middle", fill=AXIS))
    return _svg(width, height, label, body)


@dataclass(frozen=True)
class Group:
    label: str
    points: list[tuple[str, float]] = field(default_factory=list)  # (agency id, score)


def strip_chart(groups: Sequence[Group], *, label: str, width: int = 720) -> Markup:
    """One row per group (cohort, ministry): a dot per agency and a tick at the group's mean, so both the
    spread and the centre of each group show, even for groups of one or two agencies."""
    label_w, right, row_h, top = 240, 70, 26, 22
    plot_w = width - label_w - right
    height = top + row_h * len(groups) + 8

    def x(value: float) -> float:
        return label_w + plot_w * max(0.0, min(100.0, value)) / 100

    if not groups:
        return _svg(width, 40, label, [_text(width / 2, 24, NO_SCORES, anchor="middle", fill=AXIS)])
    body = [_axis_ticks(x, top, height - 8)]
    for i, group in enumerate(groups):
        y = top + i * row_h + row_h / 2
        body.append(_text(label_w - 8, y + 4, _clip(f"{group.label} ({len(group.points)})", 34), anchor="end"))
        for agency_id, value in group.points:
            body.append(
                f'<circle class="dot" cx="{x(value):.1f}" cy="{y:.1f}" r="5" fill="{PALETTE[0]}" fill-opacity="0.6">'
                f"<title>{escape(agency_id)}: {number(value)}</title></circle>"
            )
        if group.points:
            centre = sum(v for _, v in group.points) / len(group.points)
            body.append(
                f'<line x1="{x(centre):.1f}" x2="{x(centre):.1f}" y1="{y - 9:.1f}" y2="{y + 9:.1f}" '
                f'stroke="{PALETTE[5]}" stroke-width="3"><title>mean {number(centre)}</title></line>'
            )
            body.append(_text(width - right + 8, y + 4, f"x̄ {number(centre)}", fill=AXIS))
    return _svg(width, height, label, body)


@dataclass(frozen=True)
class Stack:
    label: str
    parts: list[tuple[str, int]]  # (name, count), drawn left to right


STACK_COLOURS = {"FAIL": "#D55E00", "PARTIAL": "#E69F00", "PASS": "#009E73"}


def stacked_chart(stacks: Sequence[Stack], *, label: str, width: int = 720) -> Markup:
    """One bar per indicator, its agencies split by outcome (FAIL, PARTIAL, PASS), on a common count scale."""
    label_w, right, row_h, top = 300, 40, 22, 8
    plot_w = width - label_w - right
    height = top + row_h * len(stacks) + 8
    peak = max((sum(n for _, n in s.parts) for s in stacks), default=0) or 1
    body = []
    for i, stack in enumerate(stacks):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 13, _clip(stack.label, 44), anchor="end"))
        x = float(label_w)
        for name, count in stack.parts:
            w = plot_w * count / peak
            if count:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="14" '
                    f'fill="{STACK_COLOURS.get(name, AXIS)}"><title>{escape(name)}: {count}</title></rect>'
                )
            x += w
        body.append(_text(x + 6, y + 14, str(sum(n for _, n in stack.parts)), fill=AXIS))
    return _svg(width, height, label, body)
