"""Timeouts, deadline, TLS and secret hygiene for the ``dataikuapi`` clients.

The public client never passes a timeout to ``requests`` (a hung server hangs the caller forever)
and has no CA-bundle option. Both clients keep their ``requests.Session`` in ``_session``, so we
mount an adapter on it that gives every request a timeout bounded by the macro's deadline and, for a
preset, the TLS verification the preset asks for (only clients from 14.2.2 pass the session's
``verify`` on each call; before, a CA-bundle environment variable would win).
"""
import contextlib
import copy
import html
import logging
import os
import time
from urllib.parse import quote, quote_plus

import requests
from requests.adapters import HTTPAdapter

from dataikuapi.utils import DataikuException
from model_guardrails import gate
from model_guardrails.errors import ConfigError
from model_guardrails.text import shorten

log = logging.getLogger("model_guardrails.gate")
REDACTED = "<redacted>"


class DeadlineExceeded(requests.exceptions.Timeout):
    """The macro's overall deadline passed before a request could be sent."""


class Deadline:
    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = float(seconds)
        self._clock = clock
        self._end = clock() + self.seconds

    def remaining(self):
        return self._end - self._clock()

    def extend(self, seconds):
        """Room for one long call (export, publish): the deadline moves ``seconds`` later."""
        self.seconds += float(seconds)
        self._end += float(seconds)

    def request_timeout(self, per_request):
        left = self.remaining()
        if left <= 0:
            raise DeadlineExceeded("the macro's overall deadline of {:g} s has passed".format(self.seconds))
        return min(float(per_request), left)


class _BoundedAdapter(HTTPAdapter):
    """Gives each request ``min(timeout, time left before the deadline)``; no retries. ``verify``
    (when set) is the TLS verification the preset asked for, applied to every request: clients before
    14.2.2 do not pass the session's ``verify`` per call, so requests lets $REQUESTS_CA_BUNDLE /
    $CURL_CA_BUNDLE override it (dataikuapi/govern_client.py ``_perform_http``, 12.6.4 vs 14.2.2)."""

    def __init__(self, timeout, deadline, verify=None):
        super().__init__(max_retries=0)
        self._timeout = timeout
        self._deadline = deadline
        self._verify = verify

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        bounded = self._deadline.request_timeout(self._timeout)
        if timeout is not None and not isinstance(timeout, tuple):
            bounded = min(bounded, float(timeout))
        if self._verify is not None:
            verify = self._verify
        return super().send(request, stream=stream, timeout=bounded, verify=verify, cert=cert, proxies=proxies)


@contextlib.contextmanager
def long_call(client, seconds):
    """Within the block, each request of ``client`` may take up to ``seconds`` (export and publish
    are synchronous and can take minutes); the macro's deadline is extended by as much."""
    adapter = getattr(client, "_session", None) and client._session.get_adapter("http://")
    if not isinstance(adapter, _BoundedAdapter):
        raise gate.GateError(gate.REFUSE_SERVER, "The DSS client was not hardened with request timeouts.")
    before = adapter._timeout
    adapter._deadline.extend(seconds)
    adapter._timeout = float(seconds)
    try:
        yield
    finally:
        adapter._timeout = before


@contextlib.contextmanager
def timeout_at_most(client, seconds):
    """Within the block, each request of ``client`` gets at most ``seconds`` (and never more than
    its usual request timeout, nor the macro's deadline): a poll capped at the time a wait has left."""
    adapter = getattr(client, "_session", None) and client._session.get_adapter("http://")
    if not isinstance(adapter, _BoundedAdapter):
        raise gate.GateError(gate.REFUSE_SERVER, "The DSS client was not hardened with request timeouts.")
    before = adapter._timeout
    adapter._timeout = max(0.001, min(float(before), float(seconds)))
    try:
        yield
    finally:
        adapter._timeout = before


def private_copy(client):
    """The client with an HTTP session of its own (same credentials, headers and TLS settings), so
    that hardening it leaves the caller's client untouched — e.g. the one DSS hands a Project
    Standards check, which DSS goes on using after the check."""
    session = getattr(client, "_session", None)
    if not isinstance(session, requests.Session):
        raise gate.GateError(gate.REFUSE_SERVER, "This version of dataikuapi does not expose its HTTP session, "
                             "so request timeouts cannot be enforced; the gate refuses to run without them.")
    fresh = requests.Session()
    fresh.headers = copy.copy(session.headers)
    fresh.cookies = session.cookies.copy()
    for attr in ("auth", "verify", "cert", "proxies", "trust_env", "max_redirects", "params", "stream"):
        setattr(fresh, attr, copy.copy(getattr(session, attr)))
    clone = copy.copy(client)
    clone._session = fresh
    return clone


def harden(client, timeout, deadline, verify_tls=None, ca_bundle=""):
    """Bound every request of a dataikuapi client; set TLS verification when asked.

    ``verify_tls=None`` leaves the client's own setting (used for the DSS client and for the Govern
    node DSS is configured with)."""
    session = getattr(client, "_session", None)
    if not isinstance(session, requests.Session):
        # Without the session no timeout can be enforced: refuse rather than risk hanging forever.
        raise gate.GateError(gate.REFUSE_SERVER, "This version of dataikuapi does not expose its HTTP session, "
                             "so request timeouts cannot be enforced; the gate refuses to run without them.")
    if verify_tls is False:
        session.verify = False
    elif verify_tls is True:
        if ca_bundle and not os.path.isfile(ca_bundle):
            raise ConfigError("govern_connection.ca_bundle", ca_bundle,
                              "the path of a PEM file of CA certificates readable by the DSS user")
        session.verify = ca_bundle or True
    adapter = _BoundedAdapter(timeout, deadline, verify=None if verify_tls is None else session.verify)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return client


# -- secrets -----------------------------------------------------------------------------------

class Redactor:
    """The values a macro must never emit (the Govern API keys), shared by its gateways, its log
    filter and its error handling; a key learnt while running (the DSS-configured Govern node's)
    is added once and redacted everywhere from then on."""

    def __init__(self, values=()):
        self.values = [v for v in values if v]

    def add(self, value):
        if value and value not in self.values:
            self.values.append(value)

    def scrub(self, text):
        return scrub(text, self.values)

    def scrub_value(self, value):
        """``value`` with every string inside it scrubbed (dicts and lists walked)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub_value(v) for v in value]
        return value

    def call(self, service, what, fn, *args, **kwargs):
        """Run one client call; every failure becomes a GateError without secrets (fail closed)."""
        try:
            return fn(*args, **kwargs)
        except CALL_ERRORS as exc:
            raise classify(exc, service, what, self.values) from None


def _forms(secret):
    """A secret as it can appear in text: itself, HTML-escaped, URL-encoded."""
    return {secret, html.escape(secret), html.escape(secret, quote=False), quote(secret, safe=""),
            quote_plus(secret)}


def scrub(text, secrets):
    text = "" if text is None else str(text)
    for secret in secrets:
        if secret:
            for form in sorted(_forms(secret), key=len, reverse=True):
                text = text.replace(form, REDACTED)
    return text


class SecretFilter(logging.Filter):
    """Replaces secrets in every record passing through a handler."""

    def __init__(self, secrets):
        super().__init__()
        self.secrets = secrets

    def filter(self, record):
        message = record.getMessage()
        clean = scrub(message, self.secrets)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
        return True


@contextlib.contextmanager
def redacted_logs(secrets):
    """While the macro runs, every handler of the root logger drops our secrets from records."""
    handlers = list(logging.getLogger().handlers)
    filt = SecretFilter(secrets)
    for handler in handlers:
        handler.addFilter(filt)
    try:
        yield filt
    finally:
        for handler in handlers:
            handler.removeFilter(filt)


# -- errors ------------------------------------------------------------------------------------

# The exceptions a dataikuapi call can raise (dataiku-api.md §9): HTTP errors, transport errors,
# unreadable JSON (ValueError), and answers missing the keys the client indexes.
CALL_ERRORS = (DataikuException, requests.exceptions.RequestException, ValueError, KeyError, TypeError,
               AttributeError)


def classify(exc, service, what, secrets):
    """An exception raised while calling ``service`` ("Govern" or "DSS") to a GateError whose
    message names the call, says what happened and what to do — with secrets removed."""
    detail = shorten(scrub(exc, secrets), 300)
    if isinstance(exc, DeadlineExceeded):
        return gate.GateError(gate.REFUSE_TIMEOUT, "{} while {}: {}.".format(service, what, detail))
    # An unreadable JSON body is a ValueError in every requests release (requests.exceptions.JSONDecodeError,
    # which also derives from RequestException, only exists from requests 2.27): test ValueError first.
    if isinstance(exc, ValueError) and (not isinstance(exc, requests.exceptions.RequestException)
                                        or "JSON" in type(exc).__name__):
        return gate.GateError(gate.REFUSE_MALFORMED, "{} sent an answer the gate cannot read (not JSON, or not the "
                              "expected shape) while {} ({}).".format(service, what, shorten(detail, 200)))
    if isinstance(exc, requests.exceptions.Timeout):
        return gate.GateError(gate.REFUSE_TIMEOUT, "{} did not answer in time while {} (request timeout "
                              "reached; see timeout_seconds in the govern-connection preset).".format(service, what))
    if isinstance(exc, requests.exceptions.SSLError):
        return gate.GateError(gate.REFUSE_TLS, "TLS verification of {} failed while {}: give the CA bundle of the "
                              "server in the preset's ca_bundle (verify_tls stays on).".format(service, what))
    if isinstance(exc, requests.exceptions.RequestException):
        return gate.GateError(gate.REFUSE_UNREACHABLE, "{} is unreachable while {} ({}): check the URL and "
                              "that the node is running.".format(service, what, type(exc).__name__))
    if isinstance(exc, DataikuException):
        if "NotAuthenticatedException" in detail:
            return gate.GateError(gate.REFUSE_AUTH, "{} rejected the API key while {} ({}): ask a {} administrator "
                                  "for a valid key and update the preset.".format(service, what, detail, service))
        if "UnauthorizedException" in detail or "ForbiddenException" in detail:
            return gate.GateError(gate.REFUSE_FORBIDDEN, "{} refused access while {} ({}): the user or key lacks "
                                  "the permission.".format(service, what, detail))
        if "NotFoundException" in detail:
            return gate.GateError(gate.REFUSE_NOT_FOUND, "{} found nothing while {} ({}).".format(service, what, detail))
        return gate.GateError(gate.REFUSE_SERVER, "{} failed while {} ({}).".format(service, what, detail))
    return gate.GateError(gate.REFUSE_MALFORMED, "{} sent an answer the gate cannot read while {} ({}: {}).".format(
        service, what, type(exc).__name__, shorten(detail, 200)))
