# The two commands of the README. Everything else is a detail of these.
#   make demo  - set up, generate the demo case, load it into the embedded workspace, serve the app
#   make test  - set up and run the whole test suite (what CI runs, via .ci/run)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_WORKSPACE ?= demo.duckdb
DEMO_DECLARATIONS ?= 20000
PORT ?= 8501

.PHONY: demo test lint setup

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/graphtool --workspace $(DEMO_WORKSPACE) demo --out demo-data --declarations $(DEMO_DECLARATIONS)
	GRAPHTOOL_WORKSPACE=$(DEMO_WORKSPACE) $(BIN)/streamlit run app.py --server.headless true \
		--server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m graphtool.neo4j_server fetch   # the Neo4j jars, via Maven (cached in ~/.m2)
	$(BIN)/python -m pytest -q
