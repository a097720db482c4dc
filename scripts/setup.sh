#!/usr/bin/env bash
# Installs the Debian 12 packages ecid builds with. Idempotent; quiet when all are present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost-dev libpugixml-dev libyaml-cpp-dev libsqlite3-dev sqlite3
  libcurl4-openssl-dev libssl-dev libicu-dev libcli11-dev nlohmann-json3-dev
  libcpp-httplib-dev libgtest-dev libgmock-dev libgoogle-perftools-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup: need root to install: ${missing[*]}" >&2; exit 2
  fi
else
  SUDO=
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
