"""HiGHS: settings, the decomposition's run, statuses, infeasibility diagnosis.

Pyomo's private attributes are used only in :mod:`planner.solve.highs_bridge`.

See docs/architecture.md for the flow."""
