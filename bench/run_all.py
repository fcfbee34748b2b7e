"""Run every benchmark in turn (`make bench`). Each prints its own figures and ratios.

Benchmarks are run by hand, never by the tests: timings on a shared 2-core machine are figures
to compare within one run, not pass/fail thresholds.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("build", ["build.py"]),  # every stage clean and again, and the preview's save-to-page (issue 13)
    ("check", ["check.py"]),
    ("site", ["site.py"]),
    ("search", ["search.py"]),
    ("offline", ["offline.py"]),
    ("print", ["print.py"]),
    ("print-text", ["print_text.py"]),
    ("certificates", ["certificates.py", "--n", "2000"]),
    ("lighthouse", ["lighthouse.py", "--sites", "ours,stock"]),  # needs `npm ci` in bench/
    ("hostile", ["hostile.py"]),
]


def main() -> int:
    failed = []
    for name, argv in BENCHES:
        script = HERE / argv[0]
        if not script.is_file():
            continue
        print(f"== {name}: {' '.join(argv)}", flush=True)
        if subprocess.run([sys.executable, str(script), *argv[1:]], cwd=HERE.parent).returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
