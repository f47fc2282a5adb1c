"""``python -m benchmarks.peer [--out DIR] [--cases A2,A10] [--repeats 3] [--daily]``."""

from __future__ import annotations

import sys

from benchmarks.peer.run import main

if __name__ == "__main__":
    sys.exit(main())
