#!/usr/bin/env bash
# Installs every Debian package mallsim needs to build, test and run its servers.
# Idempotent: packages already present are not reinstalled; apt only, no downloads of our own.
set -euo pipefail

packages=(
  cmake g++ make pkg-config git
  libboost1.81-dev catch2 librapidcheck-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libhiredis-dev librabbitmq-dev libpq-dev
  libjemalloc2
  redis-server rabbitmq-server postgresql
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
