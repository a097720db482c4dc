#!/usr/bin/env bash
# Configures and builds with the default preset (build/). Quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/tmp/ecid-configure.log 2>&1 || { cat /tmp/ecid-configure.log >&2; exit 1; }
cmake --build --preset default 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- ' || true
test "${PIPESTATUS[0]}" -eq 0
