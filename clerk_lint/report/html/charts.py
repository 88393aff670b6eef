"""Inline SVG charts. Every bar carries its label and its number as text, so colour is never the
only signal, and each chart has a title for screen readers; a table beside it gives the same rows."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from .markup import e, num, src_attr

WIDTH = 400            # viewBox width of a bar chart; the page scales it to its column
LABEL_H, BAR_H, GAP = 16, 12, 8
CHAR_W = 7.0          # a generous average width of a 13px character, to keep labels inside


def bar_chart(title: str, rows: Sequence[tuple], unit: str = "", limit: int = 0, doc: str = "",
              counts: str = "") -> str:
    """A horizontal bar chart, the label above each bar and its value after it. Rows are
    (label, value, JSON path of the value or None); zero rows are left out; `limit` keeps the
    first rows; `doc` names the document of the paths when the page shows two. A chart of finding
    counts names the findings' attribute it counts (`counts`, e.g. "difficulty") and ends each row
    with that attribute's value, so the page's script can redraw it for the filtered findings."""
    rows = [row for row in rows if row[1]]
    if limit:
        rows = rows[:limit]
    if not rows:
        return ""
    top = max(row[1] for row in rows)
    step = LABEL_H + BAR_H + GAP
    height = step * len(rows) + 4
    room = WIDTH - 70  # space left for the value after the longest bar
    ident = _slug("c-" + title)
    described = "; ".join(f"{row[0]}: {num(row[1])}{unit}" for row in rows)
    redraw = f' data-counts="{e(counts)}" data-scale="{room / top:.6g}"' if counts else ""
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" aria-labelledby="{ident}" '
             f'aria-describedby="{ident}-d"{redraw}><title id="{ident}">{e(title)}</title>'
             f'<desc id="{ident}-d">{e(described)}</desc>']
    for i, (label, value, path, *key) in enumerate(rows):
        y = 2 + i * step
        width = max(2.0, room * value / top)
        bar = (f'<text x="0" y="{y + 12}">{e(label)}</text>'
               f'<rect class="bar" x="0" y="{y + LABEL_H}" width="{width:.1f}" height="{BAR_H}"/>'
               f'<text class="val" x="{width + 6:.1f}" y="{y + LABEL_H + BAR_H - 1}"{src_attr(path, doc)}>'
               f'{e(num(value))}{e(unit)}</text>')
        parts.append(f'<g data-key="{e(key[0])}">{bar}</g>' if counts else bar)
    parts.append("</svg>")
    return "".join(parts)


def timeline(steps: list[dict], title: str) -> str:
    """The ordered steps as a Gantt chart: a step starts when the steps it depends on end (work
    in parallel where the order allows); each bar is as long as the step's hours, written beside it."""
    if not steps:
        return ""
    end_of: dict[Any, float] = {}
    bars = []
    for index, step in enumerate(steps):
        start = max((end_of.get(dep, 0.0) for dep in step.get("depends_on") or []), default=0.0)
        hours = float(step.get("hours") or 0)
        end_of[step.get("order")] = start + hours
        bars.append((index, step, start, hours))
    span = max(end_of.values()) or 1.0
    width, left, right = 720, 14, 60
    scale = (width - left - right) / span
    row = LABEL_H + 14 + GAP
    height = row * len(bars) + 24
    ident = _slug("c-" + title)
    described = "; ".join(f"{step.get('order', index + 1)}. {step.get('title', '')}: {num(start)} h to "
                          f"{num(start + hours)} h" for index, step, start, hours in bars)
    parts = [f'<svg class="chart timeline" role="img" viewBox="0 0 {width} {height}" aria-labelledby="{ident}" '
             f'aria-describedby="{ident}-d"><title id="{ident}">{e(title)}</title>'
             f'<desc id="{ident}-d">{e(described)}</desc>']
    for tick in _ticks(span):
        x = left + tick * scale
        parts.append(f'<line class="axis" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}"/>'
                     f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle">{e(num(tick))} h</text>')
    for index, step, start, hours in bars:
        y = 2 + index * row
        x = left + start * scale
        bar_w = max(2.0, hours * scale)
        label = f"{step.get('order', index + 1)}. {step.get('title', '')}"
        label_x = max(float(left), min(x, width - CHAR_W * len(label)))  # kept inside the chart
        parts.append(f'<text x="{label_x:.1f}" y="{y + 12}">{e(label)}</text>'
                     f'<rect class="bar{" alt" if index % 2 else ""}" x="{x:.1f}" y="{y + LABEL_H}" '
                     f'width="{bar_w:.1f}" height="14"/>'
                     f'<text class="val" x="{x + bar_w + 5:.1f}" y="{y + LABEL_H + 12}"'
                     f'{src_attr(["steps", index, "hours"])}>{e(num(step.get("hours")))} h</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ticks(span: float) -> list[float]:
    """About five round tick values from 0 to span."""
    raw = span / 5
    for unit in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if unit >= raw:
            break
    else:
        unit = raw
    count = int(span // unit)
    return [float(unit * k) for k in range(count + 1)]


def _slug(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
