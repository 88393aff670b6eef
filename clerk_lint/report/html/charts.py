"""Inline SVG bar charts: each bar carries its number as text, so colour is never the only signal."""
from __future__ import annotations

from html import escape


def bar_chart(title: str, rows: list[tuple[str, float]], unit: str = "") -> str:
    """A horizontal bar chart with a label and the value beside every bar."""
    rows = [(label, value) for label, value in rows if value]
    if not rows:
        return ""
    top = max(value for _, value in rows)
    label_w, bar_w, row_h = 170, 260, 22
    height = row_h * len(rows) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {label_w + bar_w + 80} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="t-{_slug(title)}">'
             f'<title id="t-{_slug(title)}">{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        width = max(2.0, bar_w * value / top)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="lbl">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" class="bar b{i % 6}"/>'
                     f'<text x="{label_w + width + 6:.1f}" y="{y + 15}" class="val">{_num(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())
