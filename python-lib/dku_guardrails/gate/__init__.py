"""The gate macros' adapters: gateways to DSS and Govern (they hold the client, the deadline and the
values to redact), the HTTP hardening they share, and one module per macro, each fetch → decide
(``model_guardrails.gate``) → audit → act → report."""
