#!/usr/bin/env bash
# The whole test suite (after scripts/setup.sh): unit, real-trace, live-capture (root + tracefs)
# and kernel-lab (QEMU) tests.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 -m pytest -q "$@"
