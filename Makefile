# Two commands do everything on a fresh machine:
#   make study   virtual environment + pinned dependencies, then the default study
#   make test    the same set-up, then the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORES  ?= all

.PHONY: study test lint benchmarks report clean

$(BIN)/.installed: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

study: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES)

test: $(BIN)/.installed
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks workflow/scripts
	$(BIN)/snakemake --lint

benchmarks: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py

report: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES) --report results/report.html

clean:
	rm -rf results/* logs .snakemake
	touch results/.gitkeep
