# article-qa — `make run` starts the chat app; `make test` runs every check CI runs.
# Both set up what they need first (a virtualenv in .venv; chromium for browser tests).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test setup setup-dev browser lint typecheck pytest eval-gate bench clean

run: setup
	$(BIN)/article-qa serve

test: setup-dev browser lint typecheck pytest eval-gate

setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip setuptools wheel
	# torch is pinned to the CPU build that lies on this machine's disk (see README).
	$(PIP) -e ".[local]"
	touch $@

setup-dev: $(VENV)/.dev-installed
$(VENV)/.dev-installed: $(VENV)/.installed
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

# The quality gate: the shipped gold set with the extractive backend must stay above its floors.
eval-gate:
	$(BIN)/article-qa eval evaluation/data/gold.jsonl --backend extractive --out var/eval-extractive \
	  --fail-under recall@3=0.9 --fail-under abstention_recall=0.0

bench:
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/answers.py

clean:
	rm -rf $(VENV) var artifacts .pytest_cache .mypy_cache .ruff_cache
