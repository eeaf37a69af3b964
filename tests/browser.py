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


def probe(html_path, width=1280, fragment=""):
    """Chart boxes, page height and the first sortable table's row order, as rendered."""
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    probed = html_path[:-5] + ".probe.html"
    with open(probed, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", PROBE + "</body>"))
    out = _run(["--dump-dom", "--window-size={},900".format(width), "file://" + probed + fragment])
    os.remove(probed)
    found = re.search(r'<pre id="mg-probe">(.*?)</pre>', out.stdout, re.S)
    assert found, "chromium rendered no probe output: " + out.stderr[-2000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


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
