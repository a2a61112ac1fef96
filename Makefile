# Two entry points, both from a fresh clone:
#   make run   - set up .venv and run the main job (ip4graph build) on the shipped data
#   make test  - set up .venv (with test extras and headless Chromium) and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

setup-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	bash .ci/install-browser.sh
	bash .ci/install-virtuoso.sh
	bash .ci/install-node-client.sh
	bash .ci/install-owlapi.sh

run: setup
	$(BIN)/ip4graph build

test: setup-test
	$(BIN)/python -m pytest -q

bench: setup-test
	$(BIN)/python bench/run.py --sizes 10000

clean:
	rm -rf build $(VENV)
