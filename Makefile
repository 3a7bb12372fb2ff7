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

.PHONY: demo test lint setup system-packages

# Debian packages the tests use: the browser for end-to-end app tests, pdftoppm to check
# evidence-pack PDFs, a CJK font so Chinese names render. Installed only when missing.
SYSTEM_PACKAGES := chromium poppler-utils fonts-noto-cjk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

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

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

test: lint system-packages
	$(BIN)/python -m graphtool.neo4j_server fetch   # the Neo4j jars, via Maven (cached in ~/.m2)
	$(BIN)/python -m pytest -q
