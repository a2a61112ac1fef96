#!/usr/bin/env bash
# Install Virtuoso Open Source from Debian's packages, for the `sparql` backend tests.
# Idempotent: does nothing when virtuoso-t is already on PATH. The package does not
# start a server by itself; tests/virtuoso.py starts one on loopback per test session.
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1; then
    echo "virtuoso-t already installed: $(command -v virtuoso-t)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
# Debian's package may try to start a system service; the tests run their own instance.
if command -v service >/dev/null 2>&1; then
    $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
command -v virtuoso-t >/dev/null 2>&1 || { echo "virtuoso-t not found after install" >&2; exit 1; }
echo "installed $(command -v virtuoso-t)"
