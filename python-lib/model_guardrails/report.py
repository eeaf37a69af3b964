"""HTML results of the gate macros. DSS shows a macro's HTML inline in the project page, so all
CSS is scoped under one wrapper class (``mg-gate``) and every value is escaped."""
from html import escape

CSS = """
.mg-gate{font-family:'SourceSansPro',Arial,sans-serif;font-size:13px;color:#333;max-width:1100px}
.mg-gate h3{font-size:16px;margin:4px 0 8px}
.mg-gate h4{font-size:13px;margin:14px 0 6px;text-transform:uppercase;color:#666}
.mg-gate .mg-badge{display:inline-block;padding:2px 8px;border-radius:3px;font-weight:600;color:#fff}
.mg-gate .mg-ok{background:#2e7d32}.mg-gate .mg-warn{background:#ef6c00}.mg-gate .mg-err{background:#c62828}
.mg-gate .mg-info{background:#546e7a}
.mg-gate table{border-collapse:collapse;margin:4px 0 10px}
.mg-gate th,.mg-gate td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
.mg-gate th{background:#f5f5f5}
.mg-gate .mg-flag{color:#c62828;font-weight:600}
.mg-gate ol li{margin:2px 0}
.mg-gate pre{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:6px}
"""

_BADGES = {"ok": "mg-ok", "warn": "mg-warn", "err": "mg-err", "info": "mg-info"}


def badge(text, kind="info"):
    return '<span class="mg-badge {}">{}</span>'.format(_BADGES[kind], escape(text))


def key_values(pairs):
    rows = "".join("<tr><th>{}</th><td>{}</td></tr>".format(escape(k), escape(str(v))) for k, v in pairs)
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


def ordered(items):
    return "<ol>{}</ol>".format("".join("<li>{}</li>".format(escape(i)) for i in items))


def preformatted(text):
    return "<pre>{}</pre>".format(escape(text))


def page(title, status_html, sections):
    """``sections``: list of (heading, html fragment)."""
    parts = ['<div class="mg-gate"><style>{}</style>'.format(CSS),
             "<h3>{} {}</h3>".format(escape(title), status_html)]
    for heading, fragment in sections:
        parts.append("<h4>{}</h4>{}".format(escape(heading), fragment))
    parts.append("</div>")
    return "".join(parts)
