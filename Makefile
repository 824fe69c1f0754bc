# TERP seeds: `make seed` to fill the embedded SQLite database, `make test` to
# run the tests.  `make help` lists everything.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
ALEMBIC := $(VENV)/bin/alembic
STAMP   := $(VENV)/.installed

SCENARIO ?= full
SEED     ?= 12345
SCALE    ?= 1
END      ?=
SCHEMA   ?=
DIALECT  ?= mysql
SQL_DIR  ?= build/sql
CHECK_ARGS ?=
BENCH_ARGS ?= --repeat 3 --per-row
XARGS    := -x scenario=$(SCENARIO) -x seed=$(SEED) -x scale=$(SCALE) $(if $(END),-x end=$(END)) $(if $(SCHEMA),-x schema=$(SCHEMA))
SQL_NAME := $(SQL_DIR)/$(SCENARIO)-seed$(SEED)-x$(SCALE)$(if $(END),-end$(END))$(if $(SCHEMA),-terp$(SCHEMA))-$(DIALECT)

.DEFAULT_GOAL := help
.PHONY: help venv seed reseed test sql approve graph lint check bench clean

help: ## list the targets
	@echo "TERP seeds -- targets (variables: SCENARIO=$(SCENARIO) SEED=$(SEED) SCALE=$(SCALE) END=$(or $(END),2025-11-21) SCHEMA=$(or $(SCHEMA),newest) DIALECT=$(DIALECT))"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20
	@echo "Target database: SEED_DATABASE_URL, else var/terp.sqlite (embedded SQLite)."
	@echo "A failing target exits 2 (make's own status); run the command it prints for the"
	@echo "documented codes (alembic, python -m checks: 1 refused or failing, 2 could not run)."

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) ## create .venv and install the pinned dependencies

seed: $(STAMP) ## build TERP's schema if missing (SCHEMA, default the newest) and seed it (SCENARIO, SEED, SCALE, END), then print rows per table
	$(PY) -m terpseed seed $(XARGS)

reseed: $(STAMP) ## take the database's seed out, then seed it again with SCENARIO, SEED, SCALE, END
	$(PY) -m terpseed reseed $(XARGS)

test: $(STAMP) ## run the whole test suite (SQLite and MariaDB) on both cores
	$(PY) -m pytest -n 2 --dist loadgroup

sql: $(STAMP) ## write the upgrade and downgrade SQL for review to build/sql/ (SCHEMA: the TERP version; no database needed)
	@mkdir -p $(SQL_DIR)
	$(ALEMBIC) -c seed.ini $(XARGS) -x dialect=$(DIALECT) upgrade head --sql > $(SQL_NAME)-upgrade.sql.part \
	  || { rm -f $(SQL_NAME)-upgrade.sql.part; exit 1; }
	$(ALEMBIC) -c seed.ini $(XARGS) -x dialect=$(DIALECT) downgrade head:base --sql > $(SQL_NAME)-downgrade.sql.part \
	  || { rm -f $(SQL_NAME)-upgrade.sql.part $(SQL_NAME)-downgrade.sql.part; exit 1; }
	@mv $(SQL_NAME)-upgrade.sql.part $(SQL_NAME)-upgrade.sql
	@mv $(SQL_NAME)-downgrade.sql.part $(SQL_NAME)-downgrade.sql
	@echo "wrote $(SQL_NAME)-upgrade.sql and $(SQL_NAME)-downgrade.sql"

approve: $(STAMP) ## record the SHA-256 of every revision's SQL (SCENARIO, SEED, SCALE, SCHEMA, DIALECT) in approvals.json
	$(PY) -m terpseed approve $(XARGS) -x dialect=$(DIALECT)

graph: $(STAMP) ## draw the seed plan: docs/seed-plan.dot and the Mermaid chart in README.md
	$(PY) tools/seed_graph.py --write

lint: $(STAMP) ## lint the SQL templates, the checks and the rendered light-scenario SQL with sqlfluff
	$(PY) -m terpseed.lint

check: $(STAMP) ## audit the database with the integrity checks (SEED_DATABASE_URL, else var/terp.sqlite)
	@$(PY) -m checks $(CHECK_ARGS)

bench: $(STAMP) ## time render, upgrade, checks, downgrade (cold and cached) against LOAD DATA (checked, unchecked), generating + LOAD DATA, SQL replay, per-row INSERTs (MariaDB; SCALE=1,10 compares)
	$(PY) bench/run.py --scenario $(SCENARIO) --scale $(SCALE) $(if $(SCHEMA),--schema $(SCHEMA)) $(BENCH_ARGS)

clean: ## remove the virtual environment, the embedded database and build output
	rm -rf $(VENV) var build
