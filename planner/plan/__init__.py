"""The Plan: tidy tables and summary; the typical week of hourly operation.

See docs/architecture.md for the flow."""
