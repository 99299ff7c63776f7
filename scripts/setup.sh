#!/usr/bin/env bash
# Create .venv and install newsprism with everything its tests need (CPU-only PyTorch first).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The CPU build of PyTorch. On a machine with internet access and no local wheel, use instead:
#   .venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
.venv/bin/python -m pip install -q "torch==2.13.0" || .venv/bin/python -m pip install -q torch --index-url https://download.pytorch.org/whl/cpu
.venv/bin/python -m pip install -q -e '.[dev]'
