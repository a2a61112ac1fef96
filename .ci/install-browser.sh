#!/usr/bin/env bash
# Install Debian's Chromium (and a font) for the browser tests, if it is missing.
# Idempotent: does nothing when /usr/bin/chromium exists. Playwright drives this
# binary (executable_path); `playwright install` is never used.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1 || echo chromium) already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-browser: /usr/bin/chromium is missing and this user cannot install packages" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null

if [ ! -x /usr/bin/chromium ]; then
    echo "install-browser: apt-get finished but /usr/bin/chromium is still missing" >&2
    exit 1
fi
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
