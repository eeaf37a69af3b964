"""Modules meet through public names only: no module of python-lib imports another's private name
(``from x import _y``) or reaches into it (``x._y`` where ``x`` is one of our modules). Those two
forms are what is checked; a private method called on another module's object (``obj._m()``) is not
seen here and is kept out by review."""
import ast
import os
import helpers

ROOT = helpers.PYTHON_LIB
OURS = ("model_guardrails", "dku_guardrails")


def _private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _resolve(node, path, root):
    """The absolute module name of a ``from ... import`` (relative levels resolved)."""
    if not node.level:
        return node.module or ""
    parts = os.path.relpath(os.path.dirname(path), root).replace(os.sep, ".").split(".")
    base = parts[:len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def violations_in(path, root=ROOT):
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(node, path, root)
            if not source.startswith(OURS):
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append("{}:{} imports {} from {}".format(path, node.lineno, alias.name, source))
                elif alias.name[:1].islower():  # possibly one of our modules, used as x.attr below
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(OURS):
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.append("{}:{} uses {}.{}".format(path, node.lineno, node.value.id, node.attr))
    return found


def all_violations(root=ROOT):
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                found += violations_in(os.path.join(folder, name), root)
    return found


def test_no_module_uses_another_modules_private_names():
    assert all_violations() == []


def test_the_check_sees_both_forms(tmp_path):
    package = tmp_path / "model_guardrails"
    package.mkdir()
    bad = package / "bad.py"
    bad.write_text("from .drift.numeric import _hidden\nfrom . import binary\nbinary._secret(1)\n")
    found = violations_in(str(bad), str(tmp_path))
    assert len(found) == 2 and "_hidden" in found[0] and "binary._secret" in found[1]


def test_one_logger_namespace():
    """Every logger of python-lib is under ``model_guardrails`` (a DSS admin sets one level for the plugin)."""
    names = []
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path) as f:
                tree = ast.parse(f.read(), path)
            in_core = os.path.relpath(path, ROOT).startswith("model_guardrails")
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "getLogger" and node.args:
                    arg = node.args[0]
                    ok = (isinstance(arg, ast.Constant) and str(arg.value).startswith("model_guardrails")) or (
                        in_core and isinstance(arg, ast.Name) and arg.id == "__name__")
                    if not ok:
                        names.append("{}:{}".format(os.path.relpath(path, ROOT), node.lineno))
    assert names == []
