"""Review finding 9: the gate's evidence reads (dataiku.Dataset, no deadline of their own) run on the
decision path, so each is bounded by the macro's deadline; a read that does not finish FAILs."""
import threading
import time

import pandas as pd
import pytest

from dss_local.runtime import component_context, find_plugin_dir


@pytest.fixture
def evidence():
    with component_context(find_plugin_dir()):  # `import dataiku` is the local stand-in
        from dku_guardrails.gate import evidence as module
        yield module


def Deadline(seconds):
    from dku_guardrails.gate.http import Deadline as real
    return real(seconds)


def test_a_read_that_does_not_finish_in_time_is_a_timeout(evidence, monkeypatch):
    release = threading.Event()

    def slow(obj, partition_id, config):
        release.wait(5)
        return pd.DataFrame()

    monkeypatch.setattr(evidence, "read_metrics", slow)
    monkeypatch.setattr(evidence.dataiku, "Dataset", lambda name: name)
    start = time.monotonic()
    frames = evidence.read_frames(["drift_metrics"], Deadline(0.3))
    assert time.monotonic() - start < 2
    frame, why = frames["drift_metrics"]
    release.set()
    assert frame is None and why.startswith("timeout: not read within")


def test_no_read_starts_after_the_deadline_and_errors_are_named(evidence, monkeypatch):
    calls = []
    monkeypatch.setattr(evidence.dataiku, "Dataset", lambda name: name)

    def failing(obj, partition_id, config):
        calls.append(obj)
        raise IOError("no such dataset")

    monkeypatch.setattr(evidence, "read_metrics", failing)
    assert evidence.read_frames(["a"], Deadline(-1)) == {"a": (None, "not read: the macro's deadline had passed")}
    assert calls == []
    assert evidence.read_frames(["a"], Deadline(5)) == {"a": (None, "OSError: no such dataset")}
    monkeypatch.setattr(evidence, "read_metrics", lambda obj, p, c: pd.DataFrame({"x": [1]}))
    frame, why = evidence.read_frames(["a"], Deadline(5))["a"]
    assert why == "" and list(frame["x"]) == [1]
