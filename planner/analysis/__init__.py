"""The plan's accounts (money and tonnes from models.terms) and what a CFO and an
auditor ask of them: finance, MACC, pathways, verdicts.

See docs/architecture.md for the flow."""
