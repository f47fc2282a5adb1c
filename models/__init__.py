"""The optimisation: formulation, exact hourly evaluation, decomposition.

Knows mathematics, not files or people: arrays in, Pyomo model and arrays out.
"""

import contextlib as _contextlib
import os as _os
import sys as _sys

# The dispatch kernel runs its chains in parallel on numba's OpenMP layer. OpenMP's
# default wait policy lets idle worker threads spin: on a machine where other processes
# keep the cores busy the spinning threads compete with the work and an evaluation takes
# 2-10x longer (benchmarks/README.md, 2026-12-01 second session). "passive" makes them
# sleep. It must be in the environment before the OpenMP runtime loads (at the kernel's
# first parallel call); a value the user set is kept.
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")

# Start-up time: numba imports scipy to check its version, and Pyomo, whenever scipy is
# imported before or after it, then loads all of scipy.stats (0.8-1.8 s). The dispatch
# kernel uses nothing from scipy, so numba is loaded with scipy hidden; scipy still loads
# normally later for whoever needs it (pvlib, when a PV profile is not cached).
_hide = "scipy" not in _sys.modules
if _hide:
    _sys.modules["scipy"] = None  # type: ignore[assignment]
try:
    # numba loads this lazily when a compiled function is first used, and it probes scipy.
    # If numba's internals move, only start-up time suffers.
    with _contextlib.suppress(ImportError):
        import numba.np.arraymath as _arraymath  # noqa: F401
    from models import dispatch as _dispatch  # noqa: F401
finally:
    if _hide and _sys.modules.get("scipy", 0) is None:
        del _sys.modules["scipy"]
