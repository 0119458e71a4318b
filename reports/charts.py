"""Bar charts drawn on the server as SVG with presentation attributes only (no <style>, no
script), so they render under the CSP, offline, and print as sharp as the text around them.

A chart here is geometry: rectangles, lines and labels in a fixed coordinate box that the
browser scales to its column (``reports/_chart.svg`` draws them). Each page shows the same
numbers in a small table beside the chart, for print and for screen readers.
"""

import math
from dataclasses import dataclass, field

WIDTH = 400
FONT = 14
GREY = "#6c757d"
GRID = "#dee2e6"
COLOURS = ("#0d6efd", "#9ec5fe", "#dc3545", "#198754")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    colour: str


@dataclass
class Chart:
    """What the template draws: ``shapes`` in a ``width`` × ``height`` box."""

    title: str
    width: int
    height: int
    shapes: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)

    def rect(self, x, y, width, height, fill, label=""):
        self.shapes.append(
            {
                "tag": "rect",
                "x": _n(x),
                "y": _n(y),
                "width": _n(max(width, 0)),
                "height": _n(max(height, 0)),
                "fill": fill,
                "label": label,
            }
        )

    def text(self, x, y, text, *, anchor="start", fill="#212529", size=FONT):
        self.shapes.append(
            {
                "tag": "text",
                "x": _n(x),
                "y": _n(y),
                "text": text,
                "anchor": anchor,
                "fill": fill,
                "size": size,
            }
        )

    def line(self, x1, y1, x2, y2, stroke=GRID):
        self.shapes.append(
            {
                "tag": "line",
                "x1": _n(x1),
                "y1": _n(y1),
                "x2": _n(x2),
                "y2": _n(y2),
                "stroke": stroke,
            }
        )


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def scale(value: int) -> tuple[int, int]:
    """A round top for the scale and its step: 1, 2 or 5 × a power of ten per step, at most
    five steps, so counts get whole-number ticks."""
    if value <= 0:
        return 1, 1
    magnitude = 10 ** max(math.floor(math.log10(value / 5)), 0) if value > 5 else 1
    for step in (1, 2, 5, 10):
        if step * magnitude * 5 >= value:
            top = math.ceil(value / (step * magnitude)) * step * magnitude
            return top, step * magnitude
    return value, value


def fit(text: str, width: float, size: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (a CJK character is about ``size`` wide);
    the table beside the chart carries the full name."""
    room = max(int(width // size), 2)
    return text if len(text) <= room else text[: room - 1] + "…"


def _legend(chart: Chart, series: list[Series], y: float) -> None:
    x = 0
    for item in series:
        chart.rect(x, y - 9, 10, 10, item.colour)
        chart.text(x + 14, y, item.name, size=FONT - 1)
        x += 14 + (len(item.name) + 2) * (FONT - 1)
        chart.legend.append({"name": item.name, "colour": item.colour})


def horizontal_bars(title: str, categories: list[str], series: list[Series]) -> Chart:
    """One row per category, one bar per series in it, with the value at the bar's end."""
    label_width = min(8 * FONT, max((len(c) for c in categories), default=4) * FONT + 8)
    bar, gap = 14, 8
    row_height = bar * len(series) + gap
    top = 22
    height = top + row_height * max(len(categories), 1) + 6
    chart = Chart(title=title, width=WIDTH, height=height)
    _legend(chart, series, 12)
    scale_max, _step = scale(max((max(s.values, default=0) for s in series), default=0))
    plot = WIDTH - label_width - 34
    for index, category in enumerate(categories):
        y = top + index * row_height
        chart.text(
            label_width - 6,
            y + row_height / 2 + 4,
            fit(category, label_width - 8, FONT),
            anchor="end",
        )
        for offset, item in enumerate(series):
            value = item.values[index]
            length = plot * value / scale_max
            bar_y = y + offset * bar
            chart.rect(
                label_width, bar_y, length, bar - 2, item.colour, f"{category} {item.name} {value}"
            )
            chart.text(
                label_width + length + 4, bar_y + bar - 3, str(value), size=FONT - 1, fill=GREY
            )
    chart.line(label_width, top - 4, label_width, height - 4, stroke=GREY)
    return chart


def columns(title: str, categories: list[str], series: list[Series]) -> Chart:
    """Columns side by side per category (e.g. months), a scale on the left."""
    height = 220
    left, top, bottom = 30, 26, 24
    plot_height = height - top - bottom
    chart = Chart(title=title, width=WIDTH, height=height)
    _legend(chart, series, 12)
    scale_max, step = scale(max((max(s.values, default=0) for s in series), default=0))
    for value in range(0, scale_max + 1, step):
        y = top + plot_height - plot_height * value / scale_max
        chart.line(left, y, WIDTH, y)
        chart.text(left - 4, y + 4, str(value), anchor="end", size=FONT - 2, fill=GREY)
    slot = (WIDTH - left) / max(len(categories), 1)
    bar = min(14, (slot - 4) / max(len(series), 1))
    for index, category in enumerate(categories):
        x = left + index * slot + (slot - bar * len(series)) / 2
        for offset, item in enumerate(series):
            value = item.values[index]
            bar_height = plot_height * value / scale_max
            chart.rect(
                x + offset * bar,
                top + plot_height - bar_height,
                bar - 1,
                bar_height,
                item.colour,
                f"{category} {item.name} {value}",
            )
        chart.text(
            left + index * slot + slot / 2, height - 8, category, anchor="middle", size=FONT - 2
        )
    return chart
