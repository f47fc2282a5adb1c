"""Run the benchmark suite: ``python -m benchmarks [--quick] [--grid KEY=V1,V2 ...]``.

Cases: the reference (36 years, 25 measures), the examples in scenarios/, and the
scaled-up case with 60 measures. Prints a table per case and writes bench.csv to
--out (default ./carbonpath-bench/; the tracked benchmarks/results/bench.csv is
refreshed by hand from a quiet-machine run). Figures for the README are taken with the default
(one-factor-at-a-time) grid and 3 repeats on a quiet machine.
"""

from __future__ import annotations

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
