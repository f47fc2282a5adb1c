"""Reading and checking a scenario file: parse, schema, cross-key checks, plausibility.

See docs/architecture.md for the flow."""
