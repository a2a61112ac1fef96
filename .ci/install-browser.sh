#!/usr/bin/env bash
# Install Debian's Chromium and the fonts its pages need (Latin, Japanese, Korean) for the
# browser tests and screenshots, if missing. Idempotent: installs only what is absent.
# Playwright drives this binary (executable_path); `playwright install` is never used.
set -euo pipefail

PACKAGES=(chromium fonts-dejavu-core fonts-ipafont-gothic fonts-nanum)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ -x /usr/bin/chromium ] && [ ${#missing[@]} -eq 0 ]; then
    echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1 || echo chromium) and fonts already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
elif [ -x /usr/bin/chromium ]; then
    echo "install-browser: cannot install ${missing[*]} (no root): Japanese and Korean text may show as boxes in screenshots" >&2
    exit 0
else
    echo "install-browser: /usr/bin/chromium is missing and this user cannot install packages" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null

if [ ! -x /usr/bin/chromium ]; then
    echo "install-browser: apt-get finished but /usr/bin/chromium is still missing" >&2
    exit 1
fi
echo "install-browser: installed ${missing[*]} ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
