"""Shipped tables and their readers: emission factors, standards, tariff presets.

See docs/architecture.md for the flow."""
