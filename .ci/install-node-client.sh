#!/usr/bin/env bash
# Install the Node SPARQL client (sparql-http-client, pinned by tests/node/package-lock.json)
# for tests/test_node_client.py. Idempotent: does nothing when it is already installed.
# Needs node and npm (Debian: apt-get install nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/../tests/node"
if [ -f node_modules/sparql-http-client/package.json ]; then
    echo "sparql-http-client already installed in tests/node"
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm not found: install nodejs and npm" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
echo "installed sparql-http-client in tests/node"
