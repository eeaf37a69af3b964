"""HTML results of the gate macros, in the shared look of :mod:`model_guardrails.reports.html`.
DSS shows a macro's HTML inline in the project page, so all CSS is scoped under one wrapper class
and every value is escaped."""
from ..reports import html as _html
from ..reports.html import CSS, badge, key_values, ordered, preformatted, table  # noqa: F401

__all__ = ["CSS", "badge", "key_values", "ordered", "preformatted", "table", "page"]


def page(title, status_html, sections):
    """``sections``: list of (heading, html fragment). The outer ``mg-gate`` div only names the
    kind of result; the styles are those of every report (scoped under ``mg-report``)."""
    return '<div class="mg-gate">{}</div>'.format(_html.page(title, status_html, sections))
