"""ScenarioFile -> models.inputs.PlanInputs, with a standard's rules.

See docs/architecture.md for the flow."""
