"""Base stage: errors, values by year, the schema, hours of the year, labels, safe reading.

See docs/architecture.md for the flow."""
