"""The documentation names only files the repository holds: a relative markdown link, or a
backticked `*.md` name, that resolves to no file fails; so does a reference to the product spec,
which is not part of the repository."""
import glob
import os
import re

import pytest
import helpers

ROOT = helpers.ROOT
DOCS = ["README.md", "CHANGELOG.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
MD_NAME = re.compile(r"`([^`\s]+\.md)`")
SPEC = re.compile(r"\bSPEC\b")


def _line(text, pos):
    return text.count("\n", 0, pos) + 1


def problems(doc, text):
    """(line, what) for each reference to a file the repository lacks."""
    here = os.path.dirname(os.path.join(ROOT, doc))
    found = []
    for m in LINK.finditer(text):
        target = m.group(1).split("#", 1)[0]
        if target and not re.match(r"[a-zA-Z][a-zA-Z+.-]*:", target) and \
                not os.path.exists(os.path.normpath(os.path.join(here, target))):
            found.append((_line(text, m.start()), "link to missing " + target))
    for m in MD_NAME.finditer(text):
        name = m.group(1)
        if not any(os.path.exists(os.path.join(base, name)) for base in (here, ROOT)):
            found.append((_line(text, m.start()), "names missing " + name))
    for m in SPEC.finditer(text):
        found.append((_line(text, m.start()), "cites the product spec, which is not in the repository"))
    return found


@pytest.mark.parametrize("doc", DOCS)
def test_docs_reference_only_files_the_repository_holds(doc):
    with open(os.path.join(ROOT, doc), encoding="utf-8") as f:
        assert problems(doc, f.read()) == []


def test_the_check_sees_each_kind_of_broken_reference():
    text = "[a](docs/none.md) [b](https://x.org/y.md) [c](#here) [d](docs/drift.md#x)\n`nowhere.md` `CHANGELOG.md`\nSPEC §7"
    assert [what for _, what in problems("README.md", text)] == [
        "link to missing docs/none.md", "names missing nowhere.md",
        "cites the product spec, which is not in the repository"]
