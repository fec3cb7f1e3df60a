"""Run every benchmark in this package, or the named ones.

    python -m bench                  # all bench_*.py modules, in name order
    python -m bench claims [ARGS]    # only bench_claims.py, passing ARGS to its main()

Each module is discovered by its file name (`bench_*.py`) and defines `main(argv)` (or `main()`).
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def discover() -> list[str]:
    """Return the names of the benchmark modules in this folder, sorted."""
    return sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = discover()
    if argv and not argv[0].startswith("-"):
        wanted = f"bench_{argv[0].removeprefix('bench_')}"
        if wanted not in names:
            print(f"no benchmark {argv[0]!r}; have: {', '.join(names)}", file=sys.stderr)
            return 2
        names, argv = [wanted], argv[1:]
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "main", None)):
            continue
        print(f"== {name}", flush=True)
        if inspect.signature(module.main).parameters:
            module.main(argv)
        else:
            module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
