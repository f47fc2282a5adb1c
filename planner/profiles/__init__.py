"""Hourly profiles of a year: load shapes, PV output, hourly CSV input, prices.

See docs/architecture.md for the flow."""
