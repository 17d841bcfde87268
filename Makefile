PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpus/synth.db

.PHONY: install demo test lint typecheck bench bench-smoke train clean

# The install also builds simplemma's dictionary trie in the user's cache and compiles the
# bytecode, as installing a wheel does, so that no command pays for either on its first run.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m synth.pipeline.lemmas >/dev/null
	$(BIN)/python -m compileall -q cli >/dev/null
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/synth ingest corpus/examples --corpus $(CORPUS)
	$(BIN)/synth sessions --corpus $(CORPUS)
	$(BIN)/synth summarize lgl-2024-03-14-gruppdialog --corpus $(CORPUS)

LINTED := cli tests training $(wildcard bench)

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q

# Bytecode compiled first, as a pip install does (an editable install writes it only where
# Python may write it, and source changed since the install is compiled again).
bench: $(STAMP)
	$(BIN)/python -m compileall -q cli >/dev/null
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Rebuild the shipped classifier (training/model) from corpus/coded and print its scores:
# a split run (build/split-model: train families only, thresholds and vetoes tuned on the
# dev families, kept within the terms' errors on dev-gold when it is on this machine),
# then the shipped model on every family with the split run's thresholds and vetoes.
DEV_GOLD := $(wildcard ../shared/eval/dev-gold.jsonl)
train: $(STAMP)
	$(BIN)/python training/train.py $(if $(DEV_GOLD),--guard $(DEV_GOLD)) tests/data/probe-gold.jsonl

bench-smoke: $(STAMP)
	$(BIN)/python bench/run.py --smoke

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
