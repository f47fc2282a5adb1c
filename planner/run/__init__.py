"""Orchestration: one plan (pipeline), several (compare), timed (bench).

See docs/architecture.md for the flow."""
