"""Files, data, money and people: scenarios in, plans and reports out."""

# Load the numba kernel before anything imports Pyomo (see models/__init__.py).
import models as _models  # noqa: F401
