# Two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: run test install install-dev lint format check serve lock clean messages bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: install
	PYTHON=$(PYTHON) scripts/check_system.sh run
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py update_index
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_history
	$(BIN)/python manage.py update_index
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Het portaal draait op http://$(HOST):$(PORT)/  (stoppen: Ctrl+C)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	PYTHON=$(PYTHON) scripts/check_system.sh test
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@echo "== Search backend: conformance with modelsearch's peer suite =="
	$(BIN)/python -m pytest search/conformance --ds=search.conformance.settings -p no:cacheprovider -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Every benchmark at a size for a development machine, each in its own sandbox
# (never your data or index), then one summary of every figure against its target
# (scripts/bench_summary.py; exit 1 if one is missed). Takes several minutes.
# A failing benchmark does not stop the others: the summary shows it as missing.
# `make bench BENCH_SCALE=full` adds the issue's sizes: the search at 100,000
# documents as well, the register and the annual review at 20,000 cases (200,000
# logbook events, 5,000 files). About half an hour on two cores.
BENCH_OUT ?= data/bench
BENCH_SCALE ?= dev
PEER_DATABASE ?= postgres://postgres@127.0.0.1:5432/postgres
ifeq ($(BENCH_SCALE),full)
BENCH_CASES = --cases 20000 --events 200000 --files 5000
BENCH_REVIEW_CASES = 20000
else
BENCH_CASES = --cases 2000 --events 20000 --files 500
BENCH_REVIEW_CASES = 2000
endif
bench: install
	mkdir -p $(BENCH_OUT) && rm -f $(BENCH_OUT)/*.json $(BENCH_OUT)/*.log
	-peer=; if pg_isready -q -h 127.0.0.1; then peer="--peer-database $(PEER_DATABASE)"; fi; \
	$(BIN)/python manage.py benchmark_search --documents 10000 --rounds 3 --db-timeout 2 \
	  --json $(BENCH_OUT)/search.json $$peer
	-if [ "$(BENCH_SCALE)" = full ]; then \
	  peer=; if pg_isready -q -h 127.0.0.1; then peer="--peer-database $(PEER_DATABASE)"; fi; \
	  $(BIN)/python manage.py benchmark_search --documents 100000 --rounds 3 --db-timeout 1 \
	    --json $(BENCH_OUT)/search-100k.json $$peer; fi
	-$(BIN)/python manage.py benchmark_review --sandbox --cases $(BENCH_REVIEW_CASES) \
	  > $(BENCH_OUT)/review.log 2>&1; cat $(BENCH_OUT)/review.log
	-$(BIN)/python manage.py benchmark_review --sandbox --cases 100 --rounds 1 \
	  > $(BENCH_OUT)/review-small.log 2>&1
	-$(BIN)/python manage.py benchmark_register --sandbox $(BENCH_CASES) \
	  --json $(BENCH_OUT)/register.json
	-$(BIN)/python manage.py benchmark_register --sandbox --cases 100 --events 1000 \
	  --files 50 --rounds 1 --json $(BENCH_OUT)/register-small.json \
	  > $(BENCH_OUT)/register-small.log 2>&1
	-$(BIN)/python scripts/bench_extraction.py --json $(BENCH_OUT)/extraction.json
	-$(BIN)/python scripts/load_run.py --seconds 60 --json $(BENCH_OUT)/load.json
	$(BIN)/python scripts/bench_summary.py $(BENCH_OUT)

# Re-pin requirements.lock after changing pyproject.toml's ranges.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install -q --upgrade pip
	.lockvenv/bin/pip install -q ".[dev]"
	.lockvenv/bin/pip freeze --exclude kwaliteitsportaal | sort -f > requirements.lock
	rm -rf .lockvenv build *.egg-info

# The portal's overrides of Wagtail's Dutch wording (locale/nl/LC_MESSAGES/*.po).
# The compiled .mo files are committed; rebuild them after editing a .po file.
messages:
	for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

clean:
	rm -rf $(VENV) static_collected
