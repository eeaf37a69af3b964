"""Headless Chromium for the report tests: chart boxes from the rendered DOM, screenshots, and
pixel counts in those boxes (Pillow)."""
import json
import os
import re
import shutil
import subprocess
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1", "--mute-audio"]
TIMEOUT = 60

# Appended to a copy of a report: after layout, write every chart's box and the page height.
PROBE = """<script>
window.addEventListener('load', function () {
  var out = {height: document.documentElement.scrollHeight, charts: []};
  document.querySelectorAll('svg.mg-chart').forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.charts.push({id: s.getAttribute('data-chart'), x: r.left + window.scrollX, y: r.top + window.scrollY,
                     w: r.width, h: r.height});
  });
  var order = [];
  document.querySelectorAll('.mg-report table.mg-sortable tbody tr').forEach(function (tr) {
    order.push(tr.cells[0].textContent.trim());
  });
  out.first_table_order = order;
  var pre = document.createElement('pre');
  pre.id = 'mg-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


# Appended to a copy of a report: every pair of a chart's texts whose boxes overlap, every text a bound
# line (stroke = warning or error colour: a tick or a reference line) crosses, and every scroll
# container wider than its box. Boxes are getBBox() mapped through getCTM() (rotated labels stay
# rotated) and tested with separating axes; each text box is inset by INSET px (0: its full font box).
LAYOUT_PROBE = """<script>
window.addEventListener('load', function () {
  var INSET = %(inset)s, BOUND = %(bound)s;
  function quad(el, inset, pad) {
    var b = el.getBBox(), m = el.getCTM();
    var x0 = b.x + inset - pad, y0 = b.y + inset - pad, x1 = b.x + b.width - inset + pad, y1 = b.y + b.height - inset + pad;
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]].map(function (p) {
      return [m.a * p[0] + m.c * p[1] + m.e, m.b * p[0] + m.d * p[1] + m.f];
    });
  }
  function separated(a, b) {
    return [a, b].some(function (poly) {
      return poly.some(function (p, i) {
        var q = poly[(i + 1) %% poly.length], nx = q[1] - p[1], ny = p[0] - q[0];
        var pa = a.map(function (v) { return v[0] * nx + v[1] * ny; });
        var pb = b.map(function (v) { return v[0] * nx + v[1] * ny; });
        return Math.max.apply(null, pa) <= Math.min.apply(null, pb) || Math.max.apply(null, pb) <= Math.min.apply(null, pa);
      });
    });
  }
  function depth(a, b) {  /* overlap of the two boxes' x and y extents in px (for rotated ones, of their bounding boxes) */
    function ext(q, k) { var v = q.map(function (p) { return p[k]; }); return [Math.min.apply(null, v), Math.max.apply(null, v)]; }
    return [0, 1].map(function (k) {
      var ea = ext(a, k), eb = ext(b, k);
      return Math.round(10 * (Math.min(ea[1], eb[1]) - Math.max(ea[0], eb[0]))) / 10;
    });
  }
  var out = {overlaps: [], crossings: [], scroll: []};
  document.querySelectorAll('svg.mg-chart').forEach(function (s) {
    var id = s.getAttribute('data-chart');
    var texts = Array.prototype.filter.call(s.querySelectorAll('text'), function (t) {
      return t.textContent.trim() !== '';
    }).map(function (t) { return {text: t.textContent, q: quad(t, INSET, 0)}; });
    for (var i = 0; i < texts.length; i++) {
      for (var j = i + 1; j < texts.length; j++) {
        if (!separated(texts[i].q, texts[j].q)) {
          out.overlaps.push({chart: id, a: texts[i].text, b: texts[j].text, px: depth(texts[i].q, texts[j].q)});
        }
      }
    }
    s.querySelectorAll('line').forEach(function (l) {
      if (BOUND.indexOf((l.getAttribute('stroke') || '').toLowerCase()) < 0) return;
      var lq = quad(l, 0, parseFloat(l.getAttribute('stroke-width') || '1') / 2);
      texts.forEach(function (t) {
        if (!separated(t.q, lq)) out.crossings.push({chart: id, text: t.text, px: depth(t.q, lq)});
      });
    });
  });
  document.querySelectorAll('.mg-report .mg-scroll').forEach(function (d) {
    out.scroll.push({table: (d.querySelector('table') || {}).className || '', scroll_width: d.scrollWidth,
                     client_width: d.clientWidth});
  });
  var pre = document.createElement('pre');
  pre.id = 'mg-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args, timeout=TIMEOUT):
    profile = tempfile.mkdtemp(prefix="mg-chromium-")
    try:
        return subprocess.run([find_chromium()] + FLAGS + ["--user-data-dir=" + profile] + args,
                              capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def probe(html_path, width=1280, fragment="", script=PROBE):
    """Chart boxes, page height and the first sortable table's row order, as rendered (or what
    another probe ``script`` writes into <pre id="mg-probe">)."""
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    probed = html_path[:-5] + ".probe.html"
    with open(probed, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", script + "</body>"))
    out = _run(["--dump-dom", "--window-size={},900".format(width), "file://" + probed + fragment])
    os.remove(probed)
    found = re.search(r'<pre id="mg-probe">(.*?)</pre>', out.stdout, re.S)
    assert found, "chromium rendered no probe output: " + out.stderr[-2000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


def layout_problems(html_path, width, bound_colours, inset=0.0):
    """Overlapping chart texts, texts crossed by a line stroked in one of ``bound_colours``, and
    scroll containers wider than their box, as laid out at ``width`` px."""
    script = LAYOUT_PROBE % {"inset": json.dumps(inset), "bound": json.dumps([c.lower() for c in bound_colours])}
    return probe(html_path, width, script=script)


def screenshot(html_path, png_path, width, height):
    out = _run(["--screenshot=" + png_path, "--window-size={},{}".format(width, height), "file://" + html_path])
    assert os.path.exists(png_path), "no screenshot: " + out.stderr[-2000:]
    return png_path


def ink(image, box, background=(255, 255, 255)):
    """(share of pixels that differ from the background, count of saturated 'data' pixels) in the box."""
    x, y, w, h = (int(round(box[k])) for k in ("x", "y", "w", "h"))
    assert x >= 0 and y >= 0 and x + w <= image.size[0] and y + h <= image.size[1], "box outside the screenshot"
    region = image.convert("RGB").crop((x, y, x + w, y + h))
    pixels = list(region.tobytes())
    pixels = [tuple(pixels[i:i + 3]) for i in range(0, len(pixels), 3)]
    if not pixels:
        return 0.0, 0
    drawn = sum(1 for p in pixels if max(abs(p[i] - background[i]) for i in range(3)) > 24)
    coloured = sum(1 for p in pixels if max(p) - min(p) > 60)
    return drawn / len(pixels), coloured
