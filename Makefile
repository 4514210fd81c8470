# Loa — the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint install clean

$(STAMP): pyproject.toml constraints.txt tests/plugins/loa_testchannel/pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt --config-settings editable_mode=compat -e ".[dev]"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e tests/plugins/loa_testchannel
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	LOA_DISABLED_PLUGINS=$${LOA_DISABLED_PLUGINS-testchannel} $(BIN)/loa demo --port $${PORT:-8000}

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var bench/out
