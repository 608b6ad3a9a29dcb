# The two set-up commands of the README: `make run` and `make test`. Both bootstrap .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DBT_DIR := dbt_project
# Dagster's runs and event logs live with the data they describe: under VWU_DATA_DIR when it
# is set (a relative one is taken from the checkout, as the pipeline takes it).
export DAGSTER_HOME ?= $(if $(VWU_DATA_DIR),$(abspath $(VWU_DATA_DIR))/dagster_home,$(CURDIR)/data/dagster_home)

.PHONY: bootstrap run test test-slow lint unit integration ui serve user bench form clean manifest system-deps recover screens

bootstrap: $(STAMP) manifest

# Reinstall whenever the declared or pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { $(PYTHON) -m pip install --user -q virtualenv && $(PYTHON) -m virtualenv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

# dagster-dbt reads dbt's manifest; it is rebuilt when any dbt file changes.
MANIFEST := $(DBT_DIR)/target/manifest.json
DBT_SOURCES := $(shell find $(DBT_DIR)/models $(DBT_DIR)/macros $(DBT_DIR)/tests $(DBT_DIR)/seeds -type f 2>/dev/null) $(DBT_DIR)/dbt_project.yml $(DBT_DIR)/profiles.yml
manifest: $(MANIFEST)
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd $(DBT_DIR) && ../$(BIN)/dbt parse --quiet --profiles-dir . --target-path target
	@touch $@

run: bootstrap
	$(BIN)/python -m orchestration.cli run

# After a run was killed: fail the runs it left "started", remove unfinished publications.
# (`make run` does this itself before it starts.)
recover: bootstrap
	$(BIN)/python -m orchestration.cli recover

# What the browser test needs from the system: Debian's Chromium (Playwright's own browser
# download cannot work here). Root installs directly, anyone else through sudo.
# DejaVu has every Vietnamese letter: the narrative tests write PDF reports with it.
CHROMIUM := /usr/bin/chromium
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
system-deps:
	@if [ -x $(CHROMIUM) ] && [ -f $(DEJAVU) ]; then echo "$(CHROMIUM) and DejaVu are installed"; else \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core; fi

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint $(DBT_DIR)/models $(DBT_DIR)/tests

# Every test but the slow end-to-end suites: whole nightly runs, runs killed mid-build, the
# browser (markers slow, reliability, ui; pyproject.toml). `make test-slow` runs those; CI runs
# both (.ci/run).
FAST_TESTS := not slow and not reliability and not ui
# Two workers, one test module to each at a time (a module's fixtures are built once).
test: lint
	$(BIN)/python -m pytest -m "$(FAST_TESTS)" -n 2 --dist loadfile

test-slow: bootstrap system-deps
	$(BIN)/python -m pytest -m "not ($(FAST_TESTS))"

# The steward's server: Dagster's UI behind login, with Dagster's daemon (the run queue, the
# inbox sensor, the schedule). `make ui` on this machine only (http://127.0.0.1:3000); `make
# serve` where UI_HOST and UI_PORT say (behind HTTPS or a reverse proxy: docs/operations.md).
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000
ui: bootstrap
	$(BIN)/python -m orchestration.cli recover
	$(BIN)/python -m orchestration.webserver --host 127.0.0.1 --port 3000

serve: bootstrap
	$(BIN)/python -m orchestration.cli recover
	$(BIN)/python -m orchestration.webserver --host $(UI_HOST) --port $(UI_PORT)

# A user of the steward server (asks the password): make user NAME=nguyen.thi.lan ROLE=steward
user: bootstrap
	@test -n "$(NAME)" -a -n "$(ROLE)" || { echo 'usage: make user NAME=nguyen.thi.lan ROLE=steward|reader'; exit 2; }
	$(BIN)/python -m orchestration.webserver.users add "$(NAME)" --role "$(ROLE)"

# The steward's screens in docs/images/, taken by the browser test on a run with a failing check.
screens: bootstrap system-deps
	VWU_SCREENSHOTS_DIR=$(CURDIR)/docs/images $(BIN)/python -m pytest tests/ui -q

# The narrative extractor scored by ../shared/tools/score_narrative.py on the development
# reports (../shared beside the repo); fails under precision 0.9 or recall 0.85.
.PHONY: eval
eval: bootstrap
	$(BIN)/python -m ingestion.narrative.evaluate

# Over a thousand random sequences of nights: after each, the incremental build must equal a
# full rebuild (tests/property/; `make test` runs a fixed-seed share of them).
property: bootstrap
	$(BIN)/python -m pytest tests/property -m property -q -p no:cacheprovider --hypothesis-profile property-long --hypothesis-show-statistics

bench: bootstrap
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The reporting form for one unit and period: make form UNIT=P2025-01 PERIOD="năm 2025"
form: bootstrap
	@test -n "$(UNIT)" -a -n "$(PERIOD)" || { echo 'usage: make form UNIT=P2025-01 PERIOD=2025 [OUT=file.xlsx]'; exit 2; }
	$(BIN)/python -m ingestion.forms "$(UNIT)" "$(PERIOD)" $(OUT)

# The analysts' side (docs/analysts.md). dbt's docs of the published models, served on
# 127.0.0.1 (PORT, default 8580); the leadership workbook for a period (OUT: where to write
# it, default beside the published database); the dashboard on 127.0.0.1 (PORT, default 8501).
.PHONY: docs report dashboard
docs: bootstrap
	$(BIN)/python -m orchestration.publish.docs_site $(if $(PORT),--port $(PORT))

report: bootstrap
	@test -n "$(PERIOD)" || { echo 'usage: make report PERIOD=2025 [OUT=file.xlsx]'; exit 2; }
	$(BIN)/python -m orchestration.publish.workbook "$(PERIOD)" $(if $(OUT),--out "$(OUT)")

dashboard: bootstrap
	$(BIN)/python -m orchestration.dashboard $(if $(PORT),--port $(PORT))

clean:
	rm -rf $(DBT_DIR)/target $(DBT_DIR)/logs .pytest_cache
