"""Chart geometry for server-rendered inline SVG: plain numbers a template draws.

A chart is always followed by a table of its numbers (the SVG is hidden from screen
readers), so these functions only place bars; they never decide what is shown.
"""

from __future__ import annotations

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 220
BAR_WIDTH = 300
LABEL_CHARS = 34

COLUMN_WIDTH = 18
COLUMN_GAP = 6
COLUMN_HEIGHT = 160
AXIS_HEIGHT = 40


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: list[tuple[str, float, str]], *, scale: float | None = None) -> dict:
    """A horizontal bar chart: one bar per ``(label, value, value_text)``, scaled to the
    largest value, or to ``scale`` (100 for percentages)."""
    top = scale or max((value for _, value, _ in rows), default=0) or 1
    bars = []
    for i, (label, value, text) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            {
                "label": _short(label),
                "full_label": label,
                "y": y,
                "text_y": y + BAR_HEIGHT * 0.7,
                "width": round(BAR_WIDTH * min(value, top) / top, 1),
                "count": value,
                "percent": text,
                "text": text,
            }
        )
    return {
        "bars": bars,
        "height": max(len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT),
        "width": LABEL_WIDTH + BAR_WIDTH + 90,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def column_chart(points: list[tuple[str, int]]) -> dict:
    """A vertical column chart over time: one column per ``(label, value)``, scaled to
    the largest; every label is kept for the tooltip, a few are written on the axis."""
    top = max((value for _, value in points), default=0) or 1
    step = max(1, len(points) // 10)
    columns = []
    for i, (label, value) in enumerate(points):
        height = round(COLUMN_HEIGHT * value / top, 1)
        x = i * (COLUMN_WIDTH + COLUMN_GAP)
        columns.append(
            {
                "label": label,
                "value": value,
                "x": x,
                "y": COLUMN_HEIGHT - height,
                "height": height,
                "text_x": x + COLUMN_WIDTH / 2,
                "show_label": i % step == 0,
            }
        )
    return {
        "columns": columns,
        "width": max(len(points) * (COLUMN_WIDTH + COLUMN_GAP), COLUMN_WIDTH) + 40,
        "height": COLUMN_HEIGHT + AXIS_HEIGHT,
        "plot_height": COLUMN_HEIGHT,
        "column_width": COLUMN_WIDTH,
        "top": top,
    }
