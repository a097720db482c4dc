#!/usr/bin/env bash
# Configures and builds with the default preset (build/). Quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# A private temporary file, not a fixed /tmp name: as root, a fixed name lets any local user
# plant a symbolic link there and have the log written over a file of their choice.
log=$(mktemp "${TMPDIR:-/tmp}/ecid-configure.XXXXXX")
trap 'rm -f "$log"' EXIT
cmake --preset default >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
# The build's own status, not grep's: grep exits 1 when it filtered every line.
set +e
cmake --build --preset default 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- '
status=("${PIPESTATUS[@]}")
set -e
test "${status[0]}" -eq 0
