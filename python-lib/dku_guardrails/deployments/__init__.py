"""Glue of the after-the-gate macros (rollback-deployment, decommission-inactive, the live-in-production record)."""
