"""docs/compatibility.md: every cell of its table cites sources, every source is checkable.

Convention (stated in the doc): each cell holds one or more bracketed numbers ``[n]``; each number
is an item ``n. ...`` of the numbered list under "## Sources"; each item names at least one of
- a URL (``https://...``),
- a package release and a file of it (``dataiku-api-client 13.2.1, dataikuapi/dss/project.py``),
- a file of a public repository (``owner/name: path/to/file.py``),
- a file of this repository (``this repository: `path` ``); backticked paths there must exist.
Every source is cited at least once, and every plugin component has a row."""
import os
import re

import pytest
import helpers

ROOT = helpers.ROOT
DOC = os.path.join(ROOT, "docs", "compatibility.md")
TABLE_HEADING = "## The table"
SOURCES_HEADING = "## Sources"
PLACEHOLDER = "PLACEHOLDER"

REF = re.compile(r"\[(\d+)\]")
SOURCE_ITEM = re.compile(r"^(\d+)\. (.+)$")
URL = re.compile(r"https?://[^\s)>\]]+\.[^\s)>\]]+")
RELEASE_FILE = re.compile(r"\b[a-z][a-z0-9_.-]* \d+\.\d+(?:\.\d+)*\b.*?\b[\w.-]+(?:/[\w.-]+)*\.py\b")
PUBLIC_REPO_FILE = re.compile(r"\b[\w.-]+/[\w.-]+: [\w.-]+(?:/[\w.-]+)+\.\w+")
THIS_REPO = "this repository:"
BACKTICKED = re.compile(r"`([^`]+)`")
PATHLIKE = re.compile(r"^[\w.-]+(?:/[\w.-]+)*$")
COMPONENT_FOLDERS = ("custom-recipes", "python-checks", "python-probes", "python-runnables",
                     "python-project-standards-check-specs")


def _section(text, heading):
    """The lines under ``heading`` up to the next heading of the same or a higher level."""
    lines = text.splitlines()
    if heading not in lines:
        return None
    start = lines.index(heading) + 1
    level = heading.split(" ")[0]
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")
                and len(lines[i].split(" ")[0]) <= len(level)), len(lines))
    return lines[start:end]


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_table(text):
    """(header cells, [row cells]) of the first table under TABLE_HEADING."""
    section = _section(text, TABLE_HEADING) or []
    table = []
    for line in section:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    if len(table) < 3:
        return None, []
    return _cells(table[0]), [_cells(line) for line in table[2:]]


def parse_sources(text):
    """{number: text} of the numbered items under SOURCES_HEADING, and the lines that are neither
    an item nor blank (a source must fit on its line)."""
    sources, stray = {}, []
    for line in _section(text, SOURCES_HEADING) or []:
        match = SOURCE_ITEM.match(line)
        if match:
            sources[int(match.group(1))] = match.group(2)
        elif line.strip():
            stray.append(line)
    return sources, stray


def source_problems(number, source, root):
    """Why source ``number`` is not a checkable source ([] when it is)."""
    problems = []
    if THIS_REPO in source:
        # backticked words that look like paths; those with a "/" or a "." must exist
        paths = [p for p in BACKTICKED.findall(source.split(THIS_REPO, 1)[1]) if PATHLIKE.match(p)]
        existing = [p for p in paths if os.path.exists(os.path.join(root, p))]
        if not existing:
            problems.append("source {}: 'this repository:' names no existing `path`".format(number))
        for path in paths:
            if ("/" in path or "." in path) and path not in existing:
                problems.append("source {}: this repository has no {}".format(number, path))
    elif not (URL.search(source) or RELEASE_FILE.search(source) or PUBLIC_REPO_FILE.search(source)):
        problems.append("source {}: neither a URL, a release and file ('package 1.2.3, path/file.py'), a "
                        "public repository file ('owner/name: path/file') nor 'this repository: `path`': {}"
                        .format(number, source[:120]))
    return problems


def problems(text, root=ROOT):
    """Everything that breaks the convention, each naming the row, column or source."""
    header, rows = parse_table(text)
    if header is None:
        return ["no table under '{}'".format(TABLE_HEADING)]
    found = []
    sources, stray = parse_sources(text)
    if not sources:
        found.append("no numbered source under '{}'".format(SOURCES_HEADING))
    found += ["'{}' holds a line that is not a numbered source: {}".format(SOURCES_HEADING, s[:80])
              for s in stray]
    numbers = sorted(sources)
    if numbers != list(range(1, len(numbers) + 1)):
        found.append("sources are not numbered 1..{}: {}".format(len(numbers), numbers))
    cited = set()
    for row in rows:
        feature = row[0] if row else "(empty row)"
        if len(row) != len(header):
            found.append("row '{}' has {} cells, the header {}".format(feature, len(row), len(header)))
        for column, cell in zip(header[1:], row[1:]):
            refs = [int(n) for n in REF.findall(cell)]
            if not refs:
                found.append("row '{}', column {}: no source [n]".format(feature, column))
            if not REF.sub("", cell).strip():
                found.append("row '{}', column {}: a source but no text".format(feature, column))
            for n in refs:
                if n not in sources:
                    found.append("row '{}', column {}: [{}] is not in the sources".format(feature, column, n))
            cited.update(refs)
    for n in numbers:
        if n not in cited:
            found.append("source {} is cited by no cell".format(n))
        found += source_problems(n, sources[n], root)
    return found


def components(root=ROOT):
    return sorted(name for folder in COMPONENT_FOLDERS if os.path.isdir(os.path.join(root, folder))
                  for name in os.listdir(os.path.join(root, folder))
                  if os.path.isdir(os.path.join(root, folder, name)) and not name.startswith(("_", ".")))


@pytest.fixture(scope="module")
def doc():
    with open(DOC, encoding="utf-8") as f:
        return f.read()


def test_every_cell_has_a_checkable_source(doc):
    assert problems(doc) == []


def test_columns_are_the_supported_lines(doc):
    header, rows = parse_table(doc)
    assert header[0] == "Feature"
    assert header[1].startswith("12.6") and header[-1].endswith("15.x"), header
    assert len(rows) >= 10


def test_every_plugin_component_has_a_row(doc):
    _, rows = parse_table(doc)
    features = " ".join(row[0] for row in rows)
    missing = [c for c in components() if "`{}`".format(c) not in features]
    assert missing == [], "components without a row in docs/compatibility.md: {}".format(missing)


GOOD = """## The table

| Feature | 12.6 | 15.x |
|---|---|---|
| a | Works [1] | Works [2][1] |

## Sources

1. https://doc.dataiku.com/dss/latest/x.html
2. dataiku-api-client 13.2.1, dataikuapi/dss/project.py: export_bundle(release_notes=)
"""


@pytest.mark.parametrize("broken, expected", [
    (GOOD.replace("Works [1] |", "Works |"), "row 'a', column 12.6: no source [n]"),
    (GOOD.replace("Works [2][1]", "Works [3][1]"), "row 'a', column 15.x: [3] is not in the sources"),
    (GOOD.replace("Works [2][1]", "Works [1]"), "source 2 is cited by no cell"),
    (GOOD.replace("2. dataiku-api-client 13.2.1, dataikuapi/dss/project.py", "2. the client"), "source 2: neither"),
    (GOOD.replace("2. dataiku-api-client", "3. dataiku-api-client"), "sources are not numbered 1..2"),
    (GOOD.replace("| Works [1] |", "| Works [1] | extra [1] |"), "row 'a' has 4 cells, the header 3"),
    (GOOD.replace("Works [1] |", "[1] |"), "row 'a', column 12.6: a source but no text"),
    (GOOD + "   continued on a second line\n", "holds a line that is not a numbered source"),
    (GOOD.replace("2. dataiku-api-client 13.2.1, dataikuapi/dss/project.py",
                  "2. this repository: `no/such/file.py`"), "source 2: this repository has no no/such/file.py"),
    (GOOD.replace("## The table", "## Table"), "no table under"),
])
def test_the_checker_catches(broken, expected):
    found = problems(broken)
    assert any(expected in p for p in found), found
    assert problems(GOOD) == []


@pytest.mark.parametrize("source", [
    "https://developer.dataiku.com/latest/tutorials/plugins/project-standards/flow-zone-check.html",
    "pyspark 3.2.4 and pyspark 3.3.0 (PyPI sdists), pyspark/sql/session.py",
    "badribaindla/dataiku-soft: dataiku-dss-9.0.5/python/dataiku/spark/__init__.py (get_dataframe)",
    "this repository: `plugin.json`",
])
def test_each_kind_of_source_is_accepted(source):
    assert source_problems(1, source, ROOT) == []


def test_no_placeholder_left(doc):
    assert PLACEHOLDER not in doc
