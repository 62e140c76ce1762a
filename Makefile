# Two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: run test install install-dev lint format check serve lock clean messages

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
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)
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
