"""Request timeouts bounded by the macro deadline, TLS settings, secret scrubbing."""
import logging
import time

import dataikuapi
import pytest

from dku_guardrails.gate import http
from gate_fixtures import DSS_KEY, GOVERN_KEY, emu  # noqa: F401
from model_guardrails import gate
from model_guardrails.errors import ConfigError

pytestmark = pytest.mark.client_matrix


def test_deadline_bounds_every_request(emu):
    emu.state.add_fault(node="dss", path="^/auth/info$", delay=3)
    client = http.harden(dataikuapi.DSSClient(emu.url, DSS_KEY), timeout=30, deadline=http.Deadline(0.3))
    start = time.monotonic()
    with pytest.raises(gate.GateError) as err:
        http.Redactor().call("DSS", "reading who runs the macro", client.get_auth_info)
    assert err.value.code == gate.REFUSE_TIMEOUT and time.monotonic() - start < 2
    with pytest.raises(gate.GateError, match="deadline"):  # once passed, nothing more is sent
        http.Redactor().call("DSS", "reading the node id", client.get_instance_info)


def test_tls_verification_on_by_default_and_ca_bundle_checked(tmp_path):
    client = dataikuapi.GovernClient("https://govern.invalid", GOVERN_KEY)
    http.harden(client, 5, http.Deadline(10), verify_tls=True)
    assert client._session.verify is True
    with pytest.raises(ConfigError, match="ca_bundle"):
        http.harden(client, 5, http.Deadline(10), verify_tls=True, ca_bundle=str(tmp_path / "missing.pem"))
    pem = tmp_path / "ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    http.harden(client, 5, http.Deadline(10), verify_tls=True, ca_bundle=str(pem))
    assert client._session.verify == str(pem)
    http.harden(client, 5, http.Deadline(10), verify_tls=False)
    assert client._session.verify is False


def test_the_presets_tls_setting_wins_over_ca_bundle_variables(tmp_path, monkeypatch):
    """Clients before 14.2.2 do not pass the session's verify per call: requests would let
    $REQUESTS_CA_BUNDLE replace the preset's ca_bundle (or turn verify_tls=False back on)."""
    import requests
    from requests.adapters import HTTPAdapter

    seen = []

    def fake_send(adapter, request, **kwargs):
        seen.append(kwargs["verify"])
        response = requests.Response()
        response.status_code, response._content, response.request = 200, b"{}", request
        return response

    monkeypatch.setattr(HTTPAdapter, "send", fake_send)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "system-bundle.pem"))
    pem = tmp_path / "ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    for verify_tls, ca_bundle, expected in ((True, str(pem), str(pem)), (False, "", False), (True, "", True)):
        client = http.harden(dataikuapi.GovernClient("https://govern.invalid", GOVERN_KEY), 5, http.Deadline(10),
                             verify_tls=verify_tls, ca_bundle=ca_bundle)
        client.get_instance_info()
        assert seen[-1] == expected, (verify_tls, ca_bundle, seen)


def test_secret_filter_scrubs_records_and_tracebacks(caplog):
    caplog.set_level(logging.INFO)
    with http.redacted_logs([GOVERN_KEY]):
        logging.getLogger("x").info("key is %s", GOVERN_KEY)
        try:
            raise RuntimeError("boom " + GOVERN_KEY)
        except RuntimeError:
            logging.getLogger("x").exception("failed")
    assert GOVERN_KEY not in caplog.text and http.REDACTED in caplog.text


def test_errors_are_classified_on_requests_without_json_decode_error(monkeypatch):
    """Issue 10: requests.exceptions.JSONDecodeError only exists from requests 2.27; an older requests
    made classify() itself fail with AttributeError."""
    import json

    import requests
    from dataikuapi.utils import DataikuException

    monkeypatch.delattr(requests.exceptions, "JSONDecodeError", raising=False)
    bad_json = http.classify(json.JSONDecodeError("Expecting value", "", 0), "Govern", "reading", [])
    assert bad_json.code == gate.REFUSE_MALFORMED
    not_found = http.classify(DataikuException("com.dataiku.dip.exceptions.NotFoundException: x"), "Govern", "r", [])
    assert not_found.code == gate.REFUSE_NOT_FOUND
    timeout = http.classify(requests.exceptions.ReadTimeout("slow"), "DSS", "exporting", [])
    assert timeout.code == gate.REFUSE_TIMEOUT


def test_long_call_extends_the_deadline_for_one_block(emu):
    deadline = http.Deadline(1)
    client = http.harden(dataikuapi.DSSClient(emu.url, DSS_KEY), timeout=0.5, deadline=deadline)
    emu.state.add_fault(node="dss", path="^/auth/info$", delay=1.2)
    with http.long_call(client, 5):
        client.get_auth_info()  # 1.2 s: beyond the 0.5 s request timeout and the 1 s deadline
    assert deadline.seconds == 6
    emu.state.add_fault(node="dss", path="^/instance-info$", delay=1.2)
    with pytest.raises(gate.GateError) as err:
        http.Redactor().call("DSS", "reading the node id", client.get_instance_info)
    assert err.value.code == gate.REFUSE_TIMEOUT
