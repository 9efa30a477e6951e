#!/usr/bin/env bash
# Checks the CORP decomposition of `hindsight report` against the Python package
# model-diagnostics (its `decompose` with SquaredError and LogLoss) on generated ledgers,
# and prints the largest difference. Not part of the test command: it needs PyPI.
#
#   scripts/corp-check.sh             # builds the debug binary and runs the check
#   BIN=/path/to/hindsight scripts/corp-check.sh
#
# model-diagnostics goes into a throwaway virtual environment (/tmp/hindsight-corp-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/hindsight-corp-venv}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet model-diagnostics
fi
if [ -z "${BIN:-}" ]; then
    cargo build --quiet --bin hindsight
    BIN=$PWD/target/debug/hindsight
fi
exec "$VENV/bin/python" scripts/corp_check.py "$BIN"
