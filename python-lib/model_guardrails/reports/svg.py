"""Inline SVG charts, drawn in Python: no script, no library, no font or image to fetch.

Every chart is an ``<svg class="mg-chart" data-chart="...">`` of a fixed pixel size, so a page
with hundreds of them lays out without measuring anything. Coordinates are rounded to one
decimal to keep reports small.
"""
import math
from html import escape

from .html import COLORS, fmt, is_number, pct

FONT_W = 5.6  # average glyph width of the 10.5px chart font, for label layout
LINE_H = 13  # baseline to baseline of stacked chart captions (the font's box is about 12px high)


def _n(value):
    text = "{:.1f}".format(value)
    return text[:-2] if text.endswith(".0") else text


def _attrs(attrs):
    return "".join(' {}="{}"'.format(k.replace("_", "-"), escape(str(v))) for k, v in attrs.items() if v is not None)


def rect(x, y, w, h, fill, **attrs):
    return '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>'.format(
        _n(x), _n(y), _n(max(w, 0)), _n(max(h, 0)), fill, _attrs(attrs))


def line(x1, y1, x2, y2, stroke, width=1, dash=None, **attrs):
    return '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}{}/>'.format(
        _n(x1), _n(y1), _n(x2), _n(y2), stroke, width, ' stroke-dasharray="{}"'.format(dash) if dash else "",
        _attrs(attrs))


def text(x, y, content, anchor="start", cls=None, rotate=None, **attrs):
    transform = ' transform="rotate({} {} {})"'.format(rotate, _n(x), _n(y)) if rotate else ""
    return '<text x="{}" y="{}" text-anchor="{}"{}{}{}>{}</text>'.format(
        _n(x), _n(y), anchor, ' class="{}"'.format(cls) if cls else "", transform, _attrs(attrs), escape(str(content)))


def circle(cx, cy, r, fill, **attrs):
    return '<circle cx="{}" cy="{}" r="{}" fill="{}"{}/>'.format(_n(cx), _n(cy), _n(r), fill, _attrs(attrs))


def polyline(points, stroke, width=1.5, fill="none", dash=None):
    return '<polyline points="{}" fill="{}" stroke="{}" stroke-width="{}"{}/>'.format(
        " ".join("{},{}".format(_n(x), _n(y)) for x, y in points), fill, stroke, width,
        ' stroke-dasharray="{}"'.format(dash) if dash else "")


def polygon(points, fill, opacity=1.0):
    return '<polygon points="{}" fill="{}" fill-opacity="{}"/>'.format(
        " ".join("{},{}".format(_n(x), _n(y)) for x, y in points), fill, opacity)


def titled(title, body):
    """A group with a hover tooltip."""
    return "<g><title>{}</title>{}</g>".format(escape(title), body)


def chart(chart_id, width, height, body, label):
    return ('<svg class="mg-chart" data-chart="{}" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" '
            'viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>').format(
        escape(chart_id), _n(width), _n(height), _n(width), _n(height), escape(label), body)


def clip_label(label, max_chars):
    label = str(label)
    return label if len(label) <= max_chars else label[:max_chars - 1] + "…"


class Scale:
    """Linear map from a domain to pixels."""

    def __init__(self, d0, d1, r0, r1):
        if d1 == d0:
            d1 = d0 + 1.0
        self.d0, self.d1, self.r0, self.r1 = float(d0), float(d1), float(r0), float(r1)

    def __call__(self, value):
        value = min(max(float(value), self.d0), self.d1)
        return self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)

    def ticks(self, count=4):
        span = self.d1 - self.d0
        raw = span / max(count, 1)
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
        first = math.ceil(self.d0 / step - 1e-9) * step
        out, value = [], first
        while value <= self.d1 + 1e-9 * span:
            out.append(round(value, 12))
            value += step
        return out


def nice_max(value, floor=1e-9):
    """A round upper bound at or above ``value``."""
    value = max(float(value), floor)
    power = 10 ** math.floor(math.log10(value))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * power >= value - 1e-12:
            return m * power
    return 10 * power


def caption_lanes(captions):
    """A lane per caption ``(x, text)`` centred at x (0 = nearest the plot, then one LINE_H further
    each), the lowest where it keeps 6px clear of the captions already in that lane."""
    placed, lanes = [], []
    for x, caption in captions:
        half = len(str(caption)) * FONT_W / 2 + 3
        lane = 0
        while any(other == lane and abs(x - ox) < half + oh for other, ox, oh in placed):
            lane += 1
        placed.append((lane, x, half))
        lanes.append(lane)
    return lanes


def clear_of(start, width, obstacles, gap=3):
    """The leftmost x at or after ``start`` where a label ``width`` px wide keeps ``gap`` px clear of
    every vertical line at the x positions ``obstacles``."""
    for ox in sorted(obstacles):
        if start - gap < ox < start + width + gap:
            start = ox + gap
    return start


def _x_grid(scale, top, bottom, formatter, count=4):
    out = []
    for tick in scale.ticks(count):
        x = scale(tick)
        out.append(line(x, top, x, bottom, COLORS["grid"]))
        out.append(text(x, bottom + 12, formatter(tick), "middle", "mg-t-axis"))
    return out


def _y_grid(scale, left, right, formatter, count=4):
    out = []
    for tick in scale.ticks(count):
        y = scale(tick)
        out.append(line(left, y, right, y, COLORS["grid"]))
        out.append(text(left - 4, y + 3.5, formatter(tick), "end", "mg-t-axis"))
    return out


# -- bar charts --------------------------------------------------------------------------------

def grouped_bars(chart_id, labels, series, kinds=None, width=380, height=210, label="", tooltips=None):
    """Side-by-side bars per bin: ``series`` = [(name, colour, proportions)]; bins whose kind is
    not 'value' (missing, unseen, pooled) get a shaded slot and an italic label."""
    n = len(labels)
    kinds = kinds or ["value"] * n
    longest = max((len(str(lab)) for lab in labels), default=1)
    left, right, top = 40, 6, 8
    slot = (width - left - right) / max(n, 1)
    rotate = longest * FONT_W > slot - 2
    max_chars = 18
    bottom = 16 if not rotate else 10 + min(longest, max_chars) * FONT_W * 0.72
    plot_bottom = height - bottom
    peak = max([max(values) if len(values) else 0 for _, _, values in series] + [0.01])
    y = Scale(0, nice_max(peak * 1.05), plot_bottom, top)
    body = []
    for i, kind in enumerate(kinds):
        if kind != "value":
            body.append(rect(left + i * slot, top, slot, plot_bottom - top, COLORS["band"]))
    body += _y_grid(y, left, width - right, lambda v: pct(v, 0) if v * 100 == int(v * 100) else pct(v))
    bar_w = slot * 0.8 / max(len(series), 1)
    # labels rotated by 40° are parallel: `every` slots apart they are slot * every * sin(40°) apart across
    every = 1 if not rotate else max(1, int(math.ceil(LINE_H / max(slot * math.sin(math.radians(40)), 1e-9))))
    # the special bins' labels first, then every `every`-th bin's (not the first when its label's top end
    # would reach the y axis' "0%"), each `every` slots from the others
    shown = []
    for i in [i for i in range(n) if kinds[i] != "value"] + list(range(0 if slot >= 12 else every, n, every)):
        if all(abs(i - j) >= every for j in shown):
            shown.append(i)
    for i in range(n):
        bars = []
        for j, (_, colour, values) in enumerate(series):
            value = float(values[i])
            if value > 0:
                top_y = y(value)
                bars.append(rect(left + i * slot + slot * 0.1 + j * bar_w, top_y, bar_w - 0.6,
                                 max(plot_bottom - top_y, 0.8), colour))
        tip = tooltips[i] if tooltips else "{}: {}".format(labels[i], ", ".join(
            "{} {}".format(name, pct(values[i])) for name, _, values in series))
        body.append(titled(tip, "".join(bars)) if bars else "")
        cx = left + (i + 0.5) * slot
        cls = "mg-t-special" if kinds[i] != "value" else "mg-t-axis"
        lab = clip_label(labels[i], max_chars if rotate else max(int(slot / FONT_W), 3))
        if rotate:
            if i in shown:
                body.append(text(cx + 3, plot_bottom + 10, lab, "end", cls, rotate=-40))
        else:
            body.append(text(cx, plot_bottom + 12, lab, "middle", cls))
    body.append(line(left, plot_bottom, width - right, plot_bottom, COLORS["axis"]))
    return chart(chart_id, width, height, "".join(body), label)


def hbars(chart_id, rows, width=560, label="", x_label="", row_h=18, label_w=None, formatter=fmt, lines=()):
    """Horizontal bars: ``rows`` = (label, value, colour, marks) with ``marks`` a list of
    (value, colour, title) ticks drawn across the row (bounds); ``lines`` = (value, colour, dash,
    caption) drawn across the whole chart."""
    longest = max((len(str(r[0])) for r in rows), default=4)
    label_w = label_w or min(max(longest * FONT_W + 10, 60), 200)
    right = 40
    values = [r[1] for r in rows if is_number(r[1])] + [m[0] for r in rows for m in r[3] if is_number(m[0])]
    values += [v for v, _, _, _ in lines if is_number(v)]
    x = Scale(0, nice_max(max(values + [1e-6]) * 1.05), label_w, width - right)
    lines = [ln for ln in lines if is_number(ln[0])]
    lanes = caption_lanes([(x(v), caption) for v, _, _, caption in lines if caption])
    top = 16 + LINE_H * max(lanes) if lanes else 6
    height = top + row_h * len(rows) + 28
    plot_bottom = top + row_h * len(rows)
    body = _x_grid(x, top, plot_bottom, formatter)
    for i, (lab, value, colour, marks) in enumerate(rows):
        yy = top + i * row_h
        body.append(text(label_w - 6, yy + row_h / 2 + 3.5, clip_label(lab, int((label_w - 10) / FONT_W)), "end"))
        if is_number(value):
            bar = rect(label_w, yy + 3, x(value) - label_w, row_h - 6, colour)
            body.append(titled("{}: {}".format(lab, formatter(value)), bar))
            crossing = [x(m[0]) for m in marks if is_number(m[0])] + [x(ln[0]) for ln in lines]
            tx = clear_of(x(value) + 3, len(formatter(value)) * FONT_W, crossing)
            body.append(text(tx, yy + row_h / 2 + 3.5, formatter(value), "start", "mg-t-axis"))
        else:
            body.append(text(label_w + 4, yy + row_h / 2 + 3.5, "undefined", "start", "mg-t-special"))
        for mark_value, mark_colour, mark_title in marks:
            if is_number(mark_value):
                mx = x(mark_value)
                body.append(titled(mark_title, line(mx, yy + 1, mx, yy + row_h - 1, mark_colour, 2)))
    lanes = iter(lanes)
    for value, colour, dash, caption in lines:
        body.append(line(x(value), top - 2, x(value), plot_bottom, colour, 1.5, dash))
        if caption:
            body.append(text(x(value), top - 6 - LINE_H * next(lanes), caption, "middle", "mg-t-axis", fill=colour))
    body.append(line(label_w, top, label_w, plot_bottom, COLORS["axis"]))
    if x_label:
        body.append(text((label_w + width - right) / 2, height - 3, x_label, "middle", "mg-t-axis"))
    return chart(chart_id, width, height, "".join(body), label)


def interval_dots(chart_id, rows, domain=(0.0, 1.0), lines=(), width=340, label="", x_label="", row_h=20,
                  label_w=None, formatter=fmt):
    """A dot per row with its interval: ``rows`` = (label, value, low, high, colour, emphasis[,
    marks]) with ``marks`` (value, colour, title) ticks on the row; ``lines`` = (value, colour,
    dash, caption) vertical references."""
    longest = max((len(str(r[0])) for r in rows), default=4)
    label_w = label_w or min(max(longest * FONT_W + 12, 50), 170)
    right = 12
    x = Scale(domain[0], domain[1], label_w, width - right)
    lines = [ln for ln in lines if is_number(ln[0])]
    lanes = caption_lanes([(x(v), caption) for v, _, _, caption in lines if caption])
    top = 17 + LINE_H * max(lanes) if lanes else 14
    plot_bottom = top + row_h * len(rows)
    height = plot_bottom + 30
    body = _x_grid(x, top, plot_bottom, formatter)
    lanes = iter(lanes)
    for value, colour, dash, caption in lines:
        body.append(line(x(value), top - 4, x(value), plot_bottom, colour, 1.5, dash))
        if caption:
            body.append(text(x(value), top - 7 - LINE_H * next(lanes), caption, "middle", "mg-t-axis", fill=colour))
    for i, row in enumerate(rows):
        lab, value, low, high, colour, emphasis = row[:6]
        yy = top + i * row_h + row_h / 2
        for mark_value, mark_colour, mark_title in (row[6] if len(row) > 6 else ()):
            if is_number(mark_value):
                mx = x(mark_value)
                body.append(titled(mark_title, line(mx, yy - 7, mx, yy + 7, mark_colour, 2)))
        if emphasis:
            body.append(rect(0, yy - row_h / 2 + 1, width - right, row_h - 2, "#eef3f9"))
        body.append(text(label_w - 6, yy + 3.5, clip_label(lab, int((label_w - 10) / FONT_W)), "end",
                         None, font_weight="bold" if emphasis else None))
        if not is_number(value):
            body.append(text(label_w + 4, yy + 3.5, "undefined", "start", "mg-t-special"))
            continue
        parts = []
        if is_number(low) and is_number(high):
            parts.append(line(x(low), yy, x(high), yy, colour, 2))
            parts.append(line(x(low), yy - 4, x(low), yy + 4, colour, 1.5))
            parts.append(line(x(high), yy - 4, x(high), yy + 4, colour, 1.5))
        parts.append(circle(x(value), yy, 4.2 if emphasis else 3.6, colour, stroke="#fff", stroke_width=1))
        tip = "{}: {}".format(lab, formatter(value)) + (
            " [{} – {}]".format(formatter(low), formatter(high)) if is_number(low) and is_number(high) else "")
        body.append(titled(tip, "".join(parts)))
    body.append(line(label_w, plot_bottom, width - right, plot_bottom, COLORS["axis"]))
    if x_label:
        body.append(text((label_w + width - right) / 2, height - 3, x_label, "middle", "mg-t-axis"))
    return chart(chart_id, width, height, "".join(body), label)


def dumbbell(chart_id, rows, domain=(0.0, 1.0), width=520, label="", x_label="", row_h=20, formatter=fmt):
    """Before → after per row: ``rows`` = (label, before, after, colour)."""
    longest = max((len(str(r[0])) for r in rows), default=4)
    label_w = min(max(longest * FONT_W + 12, 60), 230)
    top, right = 6, 50
    plot_bottom = top + row_h * len(rows)
    height = plot_bottom + 30
    x = Scale(domain[0], domain[1], label_w, width - right)
    body = _x_grid(x, top, plot_bottom, formatter)
    for i, (lab, before, after, colour) in enumerate(rows):
        yy = top + i * row_h + row_h / 2
        body.append(text(label_w - 6, yy + 3.5, clip_label(lab, int((label_w - 10) / FONT_W)), "end"))
        parts = []
        if is_number(before) and is_number(after):
            parts.append(line(x(before), yy, x(after), yy, colour, 2))
        if is_number(before):
            parts.append(circle(x(before), yy, 3.6, COLORS["reference"]))
        if is_number(after):
            parts.append(circle(x(after), yy, 4, colour))
            parts.append(text(max(x(after), x(before) if is_number(before) else 0) + 7, yy + 3.5,
                              "{:+.3f}".format(after - before) if is_number(before) else formatter(after),
                              "start", "mg-t-axis"))
        body.append(titled("{}: {} → {}".format(lab, formatter(before), formatter(after)), "".join(parts)))
    body.append(line(label_w, plot_bottom, width - right, plot_bottom, COLORS["axis"]))
    if x_label:
        body.append(text((label_w + width - right) / 2, height - 3, x_label, "middle", "mg-t-axis"))
    return chart(chart_id, width, height, "".join(body), label)


# -- line and xy charts ------------------------------------------------------------------------

def trend(chart_id, x_labels, values, lows=None, highs=None, hlines=(), width=360, height=190, label="",
          domain=None, point_colours=None, formatter=fmt):
    """Values over ordered windows or runs with their interval band and horizontal reference
    lines ``hlines`` = (value, colour, dash, caption): bounds, baseline."""
    left, right, top, bottom = 44, 62, 10, 34
    n = len(values)
    finite = [v for v in list(values) + list(lows or []) + list(highs or []) + [h[0] for h in hlines]
              if is_number(v)]
    if domain is None:
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
        pad = (hi - lo) * 0.08 or max(abs(hi) * 0.05, 0.01)
        domain = (lo - pad, hi + pad)
    y = Scale(domain[0], domain[1], height - bottom, top)
    inner = 14
    step = (width - left - right - 2 * inner) / max(n - 1, 1)

    def xpos(i):
        return left + inner + (i * step if n > 1 else (width - left - right - 2 * inner) / 2)

    body = _y_grid(y, left, width - right, formatter)
    if lows is not None and highs is not None:
        band = [(xpos(i), y(highs[i])) for i in range(n) if is_number(highs[i]) and is_number(lows[i])]
        band += [(xpos(i), y(lows[i])) for i in reversed(range(n)) if is_number(highs[i]) and is_number(lows[i])]
        if len(band) >= 4:
            body.append(polygon(band, COLORS["reference"], 0.18))
    placed = []
    for value, colour, dash, caption in hlines:
        if is_number(value):
            yy = y(value)
            body.append(line(left, yy, width - right, yy, colour, 1.5, dash))
            ty = yy + 3.5
            while any(abs(ty - p) < LINE_H for p in placed):
                ty += LINE_H
            placed.append(ty)
            body.append(text(width - right + 4, ty, caption, "start", "mg-t-axis", fill=colour))
    points = [(xpos(i), y(v)) for i, v in enumerate(values) if is_number(v)]
    if len(points) > 1:
        body.append(polyline(points, COLORS["reference"], 1.8))
    for i, v in enumerate(values):
        if is_number(v):
            colour = point_colours[i] if point_colours else COLORS["reference"]
            body.append(titled("{}: {}".format(x_labels[i], formatter(v)), circle(xpos(i), y(v), 3.2, colour)))
    every = max(1, int(math.ceil(n * 62 / max(width - left - right, 1))))
    for i in range(0, n, every):
        body.append(text(xpos(i), height - bottom + 16, clip_label(x_labels[i], 11), "middle", "mg-t-axis"))
    body.append(line(left, height - bottom, width - right, height - bottom, COLORS["axis"]))
    return chart(chart_id, width, height, "".join(body), label)


def xy_plot(chart_id, curves=(), points=(), size=260, label="", x_label="", y_label="", domain=(0.0, 1.0),
            diagonal=True):
    """A square plot: ``curves`` = (xs, ys, colour, dash), ``points`` = (x, y, radius, colour, title)."""
    left, bottom, top, right = 44, 34, 8, 10
    width, height = size + left + right, size + top + bottom
    x = Scale(domain[0], domain[1], left, left + size)
    y = Scale(domain[0], domain[1], top + size, top)
    body = _x_grid(x, top, top + size, fmt) + _y_grid(y, left, left + size, fmt)
    body.append(rect(left, top, size, size, "none", stroke=COLORS["axis"]))
    if diagonal:
        body.append(line(x(domain[0]), y(domain[0]), x(domain[1]), y(domain[1]), COLORS["axis"], 1, "4 3"))
    for xs, ys, colour, dash in curves:
        body.append(polyline([(x(a), y(b)) for a, b in zip(xs, ys)], colour, 2, dash=dash))
    for px, py, radius, colour, title in points:
        body.append(titled(title, circle(x(px), y(py), radius, colour, fill_opacity=0.85, stroke="#fff")))
    body.append(text(left + size / 2, height - 4, x_label, "middle", "mg-t-axis"))
    body.append(text(11, top + size / 2, y_label, "middle", "mg-t-axis", rotate=-90))
    return chart(chart_id, width, height, "".join(body), label)
