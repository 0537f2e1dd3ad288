"""`python -m benchmarks`: run every `benchmarks/bench_*.py` module's `main()` with its defaults."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

for path in sorted(Path(__file__).parent.glob("bench_*.py")):
    module = importlib.import_module(f"benchmarks.{path.stem}")
    print(f"== {path.stem}", flush=True)
    sys.argv = [path.name]
    module.main()
    print(flush=True)
