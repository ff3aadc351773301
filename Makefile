# QPP Portal: the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install lint format check-deploy serve bandit

## Runtime (requirements.txt) and development (requirements-dev.txt: tests, linters, load test) packages,
## every file checked against its pinned hash. Production installs requirements.txt alone (docs/operations.md).
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

## Install everything, prepare the database and demo accounts, and serve with a Celery worker and beat.
run: export DJANGO_SETTINGS_MODULE ?= qppportal.settings.base
run: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_reference_data
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py import_mips_measures
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_demo_data --quiet
	DEBUG=$${DEBUG:-true} scripts/serve

## The whole test suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set), in parallel
## processes (pytest-xdist), keeping the test databases between runs (--reuse-db: pytest-django
## still applies new migrations; `make test PYTEST_ARGS=--create-db` rebuilds them). The migration
## check runs first, so a kept database cannot hide a model change that has no migration.
## Byte-code is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): every test
## process, and every worker and command the tests start, would otherwise compile the project again.
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
test: export PYTHONDONTWRITEBYTECODE =
test: install
	DJANGO_SETTINGS_MODULE=qppportal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --reuse-db $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests (exit code 5)" >&2; fi; exit $$status

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Security lint: medium and high findings fail unless explained in a `# nosec <id>` comment (pyproject.toml).
bandit:
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium -q

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy:
	DJANGO_SETTINGS_MODULE=qppportal.settings.production SECRET_KEY=$$(openssl rand -hex 32) \
		ALLOWED_HOSTS=portal.example.gov SITE_URL=https://portal.example.gov EMAIL_URL=smtp+tls://smtp.example.gov:587 \
		DATABASE_URL=postgres://portal@db.example.gov/portal REDIS_URL=redis://redis.example.gov:6379/0 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
