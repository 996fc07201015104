# article-qa — `make run` starts the chat app; `make test` runs every check CI runs.
# Both set up what they need first (a virtualenv in .venv; chromium for browser tests).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test setup setup-dev browser lint typecheck pytest eval-gate audit fuzz soak bench clean

run: setup
	$(BIN)/article-qa serve

test: setup-dev browser lint typecheck pytest eval-gate audit

setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@echo "setup: creating $(VENV) (a few seconds)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip setuptools wheel
	@echo "setup: installing article-qa, the CPU build of torch, llama.cpp's prebuilt server and the model (about 2-3 minutes, ~1.5 GB)"
	$(PIP) -e ".[local]"
	touch $@

setup-dev: $(VENV)/.dev-installed
$(VENV)/.dev-installed: $(VENV)/.installed
	@echo "setup: installing the test tools (under a minute)"
	$(PIP) -e ".[local,dev]"
	touch $@

browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; }

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/python -m pytest

# The quality gate, on the test split only (thresholds are tuned on evaluation/data/calibration.jsonl,
# never on these questions): the no-model path and the default (local model) on every question.
# Floors sit below the figures measured on this split (README, "Evaluation"); issue #11's floors are
# higher and not reached with the packaged 1.5B model (README says which).
LANGUAGE_FLOORS = --fail-under answer_language:en=0.95 --fail-under answer_language:bg=0.95 \
	  --fail-under answer_language:ru=0.95

eval-gate:
	$(BIN)/article-qa eval evaluation/data/test.jsonl --backend extractive --out var/eval-extractive --quiet \
	  --fail-under recall@3=0.90 $(LANGUAGE_FLOORS) --fail-under answer_accuracy=0.50 \
	  --fail-under abstention_recall=0.90 --fail-over false_refusal_rate=0.05 --fail-over retraction_rate=0
	$(BIN)/article-qa eval evaluation/data/test.jsonl --backend local --support --out var/eval-local --quiet \
	  $(LANGUAGE_FLOORS) --fail-under answer_accuracy=0.55 --fail-under citation_precision=0.7 \
	  --fail-under citation_support=0.90 --fail-under abstention_recall=0.90 \
	  --fail-over false_refusal_rate=0.05 --fail-over retraction_rate=0

# Known vulnerabilities in the installed packages (pip-audit, needs PyPI). Fails on a finding; an
# audit that cannot reach its service is reported loudly but passes (AUDIT_STRICT=1 to fail).
audit: setup-dev
	$(BIN)/python .ci/audit.py

# A longer fuzz run of the HTTP API than the one in `make pytest` (tests/security/test_fuzz_api.py).
fuzz: setup-dev
	FUZZ_EXAMPLES=300 $(BIN)/python -m pytest -q tests/security/test_fuzz_api.py

# 10 minutes, 50 clients against a real server; writes bench/SOAK.md.
soak: setup-dev
	$(BIN)/python bench/soak.py --duration 600 --clients 50 --out bench/SOAK.md

# Each writes its section of bench/RESULTS.md; run them when the machine is otherwise idle.
bench: setup-dev
	$(BIN)/python bench/fresh.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/build.py
	$(BIN)/python bench/threads.py --load
	$(BIN)/python bench/designs.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/baselines.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/scaleout.py

clean:
	rm -rf $(VENV) var artifacts .pytest_cache .mypy_cache .ruff_cache
