#!/usr/bin/env bash
# The real `pip install .` of the Python package, offline, into a throw-away venv that sees
# Debian's packages, then an import and one solve from outside the source tree.
# Usage: pip_install.sh PYTHON SOURCE_DIR [BUILD_DIR]  (BUILD_DIR: reuse that configured tree)
set -euo pipefail
python="$1"
source_dir="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" -m venv --system-site-packages "$tmp/venv"
if [ -n "${3:-}" ]; then export SCICOV_BUILD_DIR="$3"; fi
"$tmp/venv/bin/pip" install --no-build-isolation --no-index --quiet --disable-pip-version-check "$source_dir"
cd "$tmp"
"$tmp/venv/bin/python" - "$tmp/venv" <<'PY'
import sys
import numpy as np
import scicov
assert scicov.__file__.startswith(sys.argv[1]), f"imported {scicov.__file__}, not the venv's"
problem = scicov.CoverProblem.from_cost_matrix(np.array([[1.0, 9.0], [9.0, 1.0], [2.0, 2.0]]), 2.5)
r = scicov.solve_set_cover(problem)
assert r.status == "optimal" and r.objective == 2, r
print(f"pip install: scicov {scicov.__version__} from {scicov.__file__}: {r}")
PY
