#!/usr/bin/env bash
# Installs the Debian 12 packages Proratio needs to build, test and run.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
# Everything the tests use is here (PostgreSQL server, Debian's python3 with
# statsmodels for the reference checks and fake servers, curl for scripted
# fake-server tests): in CI (PR_CI=1) a test skipped for a missing one fails.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config time ca-certificates curl
  libsqlite3-dev sqlite3
  libpq-dev postgresql
  libcurl4-openssl-dev libjansson-dev libssl-dev
  libmicrohttpd-dev libwebsockets-dev
  libopenblas-dev liblapacke-dev libgsl-dev
  libcmocka-dev libfmt-dev
  libopenmpi-dev openmpi-bin
  python3 python3-numpy python3-scipy python3-statsmodels
  clang libclang-rt-dev
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
