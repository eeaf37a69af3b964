"""The shared look of every HTML the plugin produces: the recipe reports, the model-health report
and the macros' HTML results.

DSS shows a macro's HTML inline in its own page, so every CSS rule is scoped under one wrapper
class (:data:`WRAPPER`) and every value is escaped. Standalone reports wrap the same fragment in a
minimal document (:func:`document`); they fetch nothing (no network, no CDN, no JS library).
"""
import math
from html import escape

WRAPPER = "mg-report"

COLORS = {"reference": "#5b7fa6", "current": "#e07b2a", "OK": "#2e7d32", "WARNING": "#ef6c00",
          "ERROR": "#c62828", "EMPTY": "#78909c", "grid": "#e3e3e3", "axis": "#9e9e9e", "text": "#444",
          "band": "#f3f3f3", "baseline": "#7b61a8"}

CSS = """
.mg-report{font-family:'SourceSansPro','Source Sans Pro',Arial,sans-serif;font-size:13px;color:#333;max-width:1180px;line-height:1.35}
.mg-report *{box-sizing:border-box}
.mg-report h3{font-size:18px;margin:4px 0 6px;font-weight:600}
.mg-report h4{font-size:13px;margin:18px 0 8px;text-transform:uppercase;letter-spacing:.03em;color:#555;border-bottom:1px solid #e5e5e5;padding-bottom:3px}
.mg-report h5{font-size:13px;margin:10px 0 4px;font-weight:600}
.mg-report p{margin:4px 0 8px}
.mg-report .mg-meta{color:#666;font-size:12px;margin-bottom:6px}
.mg-report .mg-meta code,.mg-report td code{font-family:Menlo,Consolas,monospace;font-size:11px;background:#f5f5f5;padding:0 3px;border-radius:2px}
.mg-report .mg-badge{display:inline-block;padding:2px 8px;border-radius:3px;font-weight:600;color:#fff;font-size:12px;vertical-align:middle}
.mg-report .mg-ok{background:#2e7d32}.mg-report .mg-warn{background:#ef6c00}.mg-report .mg-err{background:#c62828}
.mg-report .mg-info{background:#546e7a}.mg-report .mg-empty{background:#90a4ae}
.mg-report table{border-collapse:collapse;margin:4px 0 10px}
.mg-report th,.mg-report td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
.mg-report th{background:#f5f5f5;font-weight:600}
.mg-report td.mg-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.mg-report td.mg-cell-WARNING{background:#fff3e0}.mg-report td.mg-cell-ERROR{background:#ffebee}
.mg-report td.mg-cell-EMPTY{color:#78909c}
.mg-report tr.mg-row-ERROR td:first-child{border-left:4px solid #c62828}
.mg-report tr.mg-row-WARNING td:first-child{border-left:4px solid #ef6c00}
.mg-report tr.mg-row-OK td:first-child{border-left:4px solid #2e7d32}
.mg-report tr.mg-row-EMPTY td:first-child{border-left:4px solid #b0bec5}
.mg-report table.mg-sortable th{cursor:pointer;user-select:none;white-space:nowrap}
.mg-report table.mg-sortable th::after{content:' \\2195';color:#bbb;font-size:10px}
.mg-report table.mg-sortable th[aria-sort=ascending]::after{content:' \\25B2';color:#555}
.mg-report table.mg-sortable th[aria-sort=descending]::after{content:' \\25BC';color:#555}
.mg-report .mg-scroll{overflow-x:auto;max-width:100%}
.mg-report table.mg-features{font-size:12px}
.mg-report table.mg-features th,.mg-report table.mg-features td{padding:3px 4px}
.mg-report table.mg-features th{white-space:normal}
.mg-report td.mg-reason{color:#666;font-size:12px;max-width:340px}
.mg-report .mg-flag{color:#c62828;font-weight:600}
.mg-report ol,.mg-report ul{margin:4px 0 8px;padding-left:22px}
.mg-report li{margin:2px 0}
.mg-report pre{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:6px}
.mg-report .mg-cards{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0 10px}
.mg-report .mg-card{border:1px solid #e0e0e0;border-radius:4px;padding:8px 12px;min-width:150px;background:#fff}
.mg-report .mg-card .mg-big{font-size:22px;font-weight:600;display:block}
.mg-report .mg-card .mg-small{font-size:12px;color:#666}
.mg-report .mg-grid{display:flex;flex-wrap:wrap;gap:12px}
.mg-report .mg-panel{border:1px solid #e6e6e6;border-radius:4px;padding:6px 8px;background:#fff}
.mg-report .mg-panel h5{margin:0 0 2px;display:flex;justify-content:space-between;gap:8px;align-items:center}
.mg-report .mg-panel .mg-caption{font-size:11px;color:#777;max-width:380px}
.mg-report .mg-legend{font-size:12px;color:#555;margin:2px 0 8px}
.mg-report .mg-legend span{display:inline-block;margin-right:14px}
.mg-report .mg-legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:-1px}
.mg-report svg.mg-chart{display:block;overflow:visible}
.mg-report svg.mg-chart text{font-family:Arial,sans-serif;font-size:10.5px;fill:#444}
.mg-report svg.mg-chart text.mg-t-axis{fill:#666}
.mg-report svg.mg-chart text.mg-t-special{font-style:italic;fill:#777}
.mg-report .mg-foot{margin-top:20px;border-top:1px solid #e5e5e5;padding-top:6px;color:#666;font-size:12px}
.mg-report .mg-foot li{margin:1px 0}
.mg-report a{color:#1565c0}
"""

STATUS_CLASS = {"OK": "mg-ok", "WARNING": "mg-warn", "ERROR": "mg-err", "EMPTY": "mg-empty"}
STATUS_RANK = {"ERROR": 3, "WARNING": 2, "OK": 1, "EMPTY": 0}
_BADGES = {"ok": "mg-ok", "warn": "mg-warn", "err": "mg-err", "info": "mg-info", "empty": "mg-empty"}

# Sort the tables of class mg-sortable by clicking a header; '#sort=<key>[,asc|desc]' in the URL
# sorts the first such table on load. Cells sort by their data-v (numbers; '' last) else their text.
SORT_SCRIPT = """(function(){
function k(c){var v=c.getAttribute('data-v');if(v===null)return c.textContent.trim().toLowerCase();return v===''?null:parseFloat(v);}
function sort(t,col,asc){var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
rows.sort(function(x,y){var a=k(x.cells[col]),c=k(y.cells[col]);if(a===c)return 0;if(a===null)return 1;if(c===null)return -1;return (a<c?-1:1)*(asc?1:-1);});
rows.forEach(function(r){b.appendChild(r);});
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){h.setAttribute('aria-sort',i===col?(asc?'ascending':'descending'):'none');});}
var ts=document.querySelectorAll('.mg-report table.mg-sortable');
Array.prototype.forEach.call(ts,function(t){Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){
h.addEventListener('click',function(){sort(t,i,h.getAttribute('aria-sort')!=='ascending');});});});
var m=/sort=([\\w-]+)(?:,(asc|desc))?/.exec(location.hash);
if(m&&ts.length){Array.prototype.forEach.call(ts[0].tHead.rows[0].cells,function(h,i){if(h.getAttribute('data-key')===m[1])sort(ts[0],i,m[2]!=='desc');});}
})();"""


def is_number(value):
    try:
        return value is not None and not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fmt(value, digits=3):
    """A number for people: ``digits`` significant digits (4 from 1 to 1000), integers as
    integers, thousands separated, '' when undefined."""
    if not is_number(value):
        return ""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return "{:,}".format(int(value))
    if abs(value) >= 1000:
        return "{:,.0f}".format(value)
    if abs(value) >= 1:
        return "{:.{}g}".format(value, digits + 1)
    if abs(value) < 0.001:
        return "{:.2e}".format(value)
    return "{:.{}g}".format(value, digits)


def pct(value, digits=1):
    return "{:.{}f}%".format(100 * float(value), digits) if is_number(value) else ""


def badge(text, kind="info"):
    return '<span class="mg-badge {}">{}</span>'.format(_BADGES[kind], escape(str(text)))


def status_badge(status, text=None):
    status = status if status in STATUS_CLASS else "EMPTY"
    return '<span class="mg-badge {}">{}</span>'.format(STATUS_CLASS[status], escape(text or status))


def worst_status(statuses):
    """ERROR > WARNING > OK > EMPTY; EMPTY when nothing was evaluable."""
    ranked = [s for s in statuses if s in STATUS_RANK]
    return max(ranked, key=STATUS_RANK.get) if ranked else "EMPTY"


def key_values(pairs):
    rows = "".join("<tr><th>{}</th><td>{}</td></tr>".format(escape(str(k)), escape(str(v))) for k, v in pairs)
    return "<table>{}</table>".format(rows)


def key_values_html(pairs):
    """As :func:`key_values` but the values are HTML fragments (already escaped)."""
    rows = "".join("<tr><th>{}</th><td>{}</td></tr>".format(escape(str(k)), v) for k, v in pairs)
    return "<table>{}</table>".format(rows)


def table(headers, rows, flag_column=None):
    head = "".join("<th>{}</th>".format(escape(h)) for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = ", ".join(value) if isinstance(value, (list, tuple)) else ("" if value is None else str(value))
            cls = ' class="mg-flag"' if flag_column is not None and i == flag_column and text else ""
            cells.append("<td{}>{}</td>".format(cls, escape(text)))
        body.append("<tr>{}</tr>".format("".join(cells)))
    if not body:
        body.append('<tr><td colspan="{}">none</td></tr>'.format(len(headers)))
    return "<table><tr>{}</tr>{}</table>".format(head, "".join(body))


class Cell:
    """A table cell: text (escaped) or html, an optional sort value and CSS class."""

    def __init__(self, text="", html=None, sort=None, cls="", title=""):
        self.text, self.html, self.sort, self.cls, self.title = text, html, sort, cls, title

    def render(self):
        attrs = ""
        if self.cls:
            attrs += ' class="{}"'.format(self.cls)
        if self.sort is not None:
            attrs += ' data-v="{}"'.format(escape(str(self.sort)))
        if self.title:
            attrs += ' title="{}"'.format(escape(self.title))
        return "<td{}>{}</td>".format(attrs, self.html if self.html is not None else escape(str(self.text)))


def num_cell(value, status="", digits=3):
    cls = "mg-num" + (" mg-cell-" + status if status in ("WARNING", "ERROR", "EMPTY") else "")
    return Cell(fmt(value, digits), sort=float(value) if is_number(value) else "", cls=cls)


def status_cell(status):
    return Cell(html=status_badge(status), sort=STATUS_RANK.get(status, 0))


def rich_table(columns, rows, sortable=False, row_status=None, table_class=""):
    """``columns``: (key, label) pairs; ``rows``: lists of :class:`Cell` (or plain values);
    ``row_status``: a status per row (coloured left border)."""
    classes = " ".join(c for c in (table_class, "mg-sortable" if sortable else "") if c)
    head = "".join('<th data-key="{}">{}</th>'.format(escape(k), escape(label).replace("_", "_<wbr>"))
                   for k, label in columns)
    body = []
    for i, row in enumerate(rows):
        cls = ' class="mg-row-{}"'.format(row_status[i]) if row_status else ""
        cells = "".join((c if isinstance(c, Cell) else Cell(c)).render() for c in row)
        body.append("<tr{}>{}</tr>".format(cls, cells))
    if not body:
        body.append('<tr><td colspan="{}">none</td></tr>'.format(len(columns)))
    return '<table{}><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'.format(
        ' class="{}"'.format(classes) if classes else "", head, "".join(body))


def ordered(items):
    return "<ol>{}</ol>".format("".join("<li>{}</li>".format(escape(i)) for i in items))


def bullets(items):
    return "<ul>{}</ul>".format("".join("<li>{}</li>".format(escape(i)) for i in items))


def preformatted(text):
    return "<pre>{}</pre>".format(escape(text))


def cards(items):
    """``items``: (big text, small label, status or '') triples as summary cards."""
    out = []
    for big, small, status in items:
        colour = ' style="border-top:3px solid {}"'.format(COLORS[status]) if status in COLORS else ""
        out.append('<div class="mg-card"{}><span class="mg-big">{}</span><span class="mg-small">{}</span></div>'.format(
            colour, escape(str(big)), escape(str(small))))
    return '<div class="mg-cards">{}</div>'.format("".join(out))


def legend(items):
    """``items``: (colour, label) pairs."""
    return '<div class="mg-legend">{}</div>'.format("".join(
        '<span><i style="background:{}"></i>{}</span>'.format(c, escape(label)) for c, label in items))


def page(title, status_html, sections, meta_html="", extra_class="", footer_items=()):
    """The scoped fragment: a title with its status, an optional meta line, ``sections`` as
    (heading, html fragment[, heading badge html]) tuples and an optional footer list (conventions, run ids)."""
    classes = WRAPPER + (" " + extra_class if extra_class else "")
    parts = ['<div class="{}"><style>{}</style>'.format(classes, CSS),
             "<h3>{} {}</h3>".format(escape(title), status_html)]
    if meta_html:
        parts.append('<div class="mg-meta">{}</div>'.format(meta_html))
    for section in sections:
        heading, fragment = section[0], section[1]
        badge_html = " " + section[2] if len(section) > 2 and section[2] else ""
        parts.append("<h4>{}{}</h4>{}".format(escape(heading), badge_html, fragment))
    if footer_items:
        parts.append('<div class="mg-foot"><ul>{}</ul></div>'.format(
            "".join("<li>{}</li>".format(i) for i in footer_items)))
    parts.append("</div>")
    return "".join(parts)


def document(title, fragment, script=""):
    """A self-contained HTML file around ``fragment`` (no external resource)."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="generator" content="model-guardrails">'
            "<title>{}</title></head>\n<body style=\"margin:16px;background:#fff\">\n{}\n{}</body></html>\n").format(
        escape(title), fragment, "<script>{}</script>\n".format(script) if script else "")
