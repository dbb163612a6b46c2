# Venom — make help lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
WEB_PORT ?= 3000
# Python requirement files installed into .venv (profiles add themselves here).
PY_REQUIREMENTS := requirements-dev.txt requirements-profile-memory.txt

.DEFAULT_GOAL := help
.PHONY: help install test lint test-python

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements*.txt
	$(PIP) install -q $(foreach f,$(PY_REQUIREMENTS),-r $(f))
	$(PIP) install -q -e . --no-deps
	touch $@

install: $(VENV)/.installed ## Create .venv and install the Python packages (only what changed)

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check venom_core tests bench
	$(VENV)/bin/mypy venom_core

test-python: install ## The pytest suite (real uvicorn servers on free loopback ports)
	$(VENV)/bin/pytest -q

test: lint test-python ## The whole test suite (what CI runs)
