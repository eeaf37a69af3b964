"""After the gate: Project Deployer deployments (rollback to the previous approved bundle), the
"model live in production" record, and the judgement of inactive models and deployments — as
functions over plain data (no I/O; the adapters in ``dku_guardrails.deployments`` fetch and act).

Modules: ``params`` (the macros' parameters), ``rollback`` (which bundle, refuse or not), ``live``
(the live-in-production audit entry), ``inactivity`` (which items are inactive, with evidence)."""
