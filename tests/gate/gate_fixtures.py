"""Shared setup of the gate tests: the emulator on a free loopback port, driven by the real
dataikuapi client, and a helper running the real runnable.py files through dss_local."""
import logging

import pytest

from dss_local.emulator import Emulator, demo_state
from dss_local.macro import run_macro

PROJECT = "FRAUD_DETECTION"
DSS_KEY = "dss-key-7c1e0b"
# Must never appear in logs, results, errors or audit entries, in any form: its characters differ
# once HTML-escaped or URL-encoded, so each form is looked for.
GOVERN_KEY = "govern-SECRET+3f9a&<77d2>"


@pytest.fixture
def emu():
    emulator = Emulator(demo_state(PROJECT, dss_key=DSS_KEY, govern_key=GOVERN_KEY)).start()
    try:
        yield emulator
    finally:
        emulator.stop()


def connection(emu, **extra):
    conn = {"govern_url": emu.url, "api_key": GOVERN_KEY, "timeout_seconds": 2}
    conn.update(extra)
    return conn


# Qualification policies an administrator could set in the plugin settings (the binding policy; a
# project cannot loosen it): the rules that need metrics datasets, tags or a model-card folder turned
# off, so that a test about the sign-off is about the sign-off.
OPEN_POLICY = {"evidence_level": "off", "sensitivity_tags_level": "off", "model_card_level": "off"}
EVIDENCE_POLICY = {"sensitivity_tags_level": "off", "model_card_level": "off"}


def plugin_policy(policy):
    """The plugin settings (plugin_config) an administrator saves for ``policy`` ({field: value})."""
    return {"policy_" + name: value for name, value in (policy or {}).items()}


def run(emu, macro="create-approved-bundle", key=DSS_KEY, datasets=None, policy=None, **config):
    config.setdefault("govern_connection", connection(emu))
    plugin_config = None
    if macro == "create-approved-bundle":
        config.setdefault("version", "1.0")
        plugin_config = plugin_policy(OPEN_POLICY if policy is None else policy)
    return run_macro(macro, PROJECT, config=config, dss_url=emu.url, dss_api_key=key, datasets=datasets,
                     plugin_config=plugin_config)


def bundles(emu):
    return [b["bundleId"] for b in emu.state.snapshot()["dss"]["projects"][PROJECT]["bundles"]]


def audit(emu, node="dss"):
    return [e["customMsgParams"] for e in emu.state.snapshot()[node]["audit"]]


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog
