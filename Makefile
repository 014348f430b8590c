# One command per task; `make` alone lists them. Every target installs .venv first (scripts/bootstrap, a no-op
# when pyproject.toml and requirements.lock are unchanged).
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv/bin
export PATH := $(CURDIR)/$(VENV):$(PATH)
export DJANGO_SETTINGS_MODULE := wanshang.settings

.PHONY: help bootstrap demo test test-fast lint format imports migrations-check messages lock hooks bench screenshot

help:  ## list the commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

bootstrap:  ## create .venv with the locked versions (runs by itself when needed)
	@scripts/bootstrap

demo: bootstrap  ## serve the demo marketplace on http://127.0.0.1:8000 (SQLite)
	scripts/demo

test: bootstrap  ## everything CI runs: lint, import contracts, migrations, SQLite suite, PostgreSQL/Redis suite
	scripts/test

test-fast: bootstrap  ## the SQLite suite without slow tests, on a kept test database (make test-fast ARGS=-x)
	pytest -n auto --dist loadgroup --reuse-db -m "not slow and not postgres and not redis" $(ARGS)

lint: bootstrap  ## ruff check, ruff format --check, the complexity ratchet and the architecture checks
	ruff check .
	ruff format --check .
	python scripts/complexity.py
	python scripts/check_architecture.py

format: bootstrap  ## ruff format the code and fix import order
	ruff check --select I --fix .
	ruff format .

imports: bootstrap  ## import-linter contracts (web faces reach no models, domain apps no faces)
	lint-imports --no-cache

migrations-check: bootstrap  ## fail when a model change has no migration
	python manage.py makemigrations --check --dry-run

messages: bootstrap  ## refresh the .po files (new strings, current source locations) and compile them to .mo
	python manage.py makemessages -a --no-obsolete --ignore='var/*' --ignore='bench/*'
	python manage.py compilemessages --ignore=.venv --ignore=var

lock:  ## re-resolve requirements.lock after a pyproject.toml change (UPGRADE=1: newest versions)
	@test -x $(VENV)/uv || { test -x $(VENV)/python || python3 -m venv .venv; $(VENV)/pip install -q uv; }
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --custom-compile-command "make lock" \
		$(if $(UPGRADE),--upgrade) -o requirements.lock
	scripts/bootstrap

hooks: bootstrap  ## run the checks of .pre-commit-config.yaml before each git commit
	pre-commit install

bench: bootstrap  ## every benchmark on SQLite and PostgreSQL (bench/run_all.sh; figures in docs/benchmarks.md)
	bench/run_all.sh

screenshot: bootstrap  ## the browser tests, saving full-page screenshots to /tmp/wanshang-shots
	pytest tests/browser -m browser $(ARGS)
	@ls /tmp/wanshang-shots
