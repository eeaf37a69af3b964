"""The local `dataiku` stand-in's public signatures against the committed snapshot of DSS's own
(tests/reference/dataiku_signatures.json, each with its source). A stub signature that drifts, or a
public function / method the stub adds without a snapshot entry, fails: plugin code must not be
able to call locally what DSS does not accept."""
import importlib
import inspect
import json
import os
import sys

import pytest
import helpers

ROOT = helpers.ROOT
SNAPSHOT = os.path.join(ROOT, "tests", "reference", "dataiku_signatures.json")
MODULES = ("dataiku", "dataiku.customrecipe", "dataiku.runnables", "dataiku.spark", "dataiku.metric",
           "dataiku.project_standards")


@pytest.fixture(scope="module")
def stub():
    sys.path.insert(0, os.path.join(ROOT, "dss_local", "stub"))
    try:
        yield {name: importlib.import_module(name) for name in MODULES}
    finally:
        sys.path.remove(os.path.join(ROOT, "dss_local", "stub"))


def _public(stub):
    """{dotted name: callable} of every public function and class method the stub defines (the
    writer class under the name of DSS's, DatasetWriter)."""
    found = {}

    def add_class(prefix, cls):
        for name, member in vars(cls).items():
            if name == "__init__" or not name.startswith("_"):
                if isinstance(member, (classmethod, staticmethod)):
                    member = getattr(cls, name)  # the signature a caller sees (no cls)
                if inspect.isfunction(member) or inspect.ismethod(member):
                    found["{}.{}".format(prefix, name)] = member

    for module_name, module in stub.items():
        for name, value in vars(module).items():
            if name.startswith("_") or not getattr(value, "__module__", "").startswith("dataiku"):
                continue
            if module_name != "dataiku" and value.__module__ != module_name:
                continue  # imported from another stub module
            if inspect.isfunction(value):
                found["{}.{}".format(module_name, name)] = value
            elif inspect.isclass(value):
                add_class("{}.{}".format(module_name, name), value)
    add_class("DatasetWriter", importlib.import_module("dataiku._dataset").DatasetWriter)
    return found


def test_every_stub_signature_is_the_real_one(stub):
    snapshot = json.load(open(SNAPSHOT))["signatures"]
    public = _public(stub)
    assert sorted(public) == sorted(snapshot), "stub API and snapshot differ: only in stub {}, only in snapshot {}".format(
        sorted(set(public) - set(snapshot)), sorted(set(snapshot) - set(public)))
    drifted = {name: (str(inspect.signature(f)), snapshot[name]["signature"]) for name, f in public.items()
               if str(inspect.signature(f)) != snapshot[name]["signature"]}
    assert not drifted, "stub signatures that differ from DSS's (stub, real): {}".format(drifted)


def test_every_snapshot_entry_has_a_source():
    for name, entry in json.load(open(SNAPSHOT))["signatures"].items():
        assert entry["sources"], name
        for source in entry["sources"]:
            assert ("repo" in source and "commit" in source and "path" in source) or "doc" in source, name


def test_no_stub_read_accepts_an_unknown_keyword(stub):
    for method in ("get_dataframe", "iter_dataframes", "write_with_schema", "write_dataframe"):
        kinds = [p.kind for p in inspect.signature(getattr(stub["dataiku"].Dataset, method)).parameters.values()]
        assert inspect.Parameter.VAR_KEYWORD not in kinds, method
