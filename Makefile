# Two commands on a fresh machine: `make run` serves, `make test` proves it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export HOST PORT

STAMP := $(VENV)/.install-stamp

.PHONY: install run nginx redis test browser test-postgres fuzz lint format openapi clean bench bench-imports

install: $(STAMP)

# Reinstall only when the project's metadata changed: `make install` is quick otherwise.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# nginx on $HOST:$PORT in front of gunicorn (on a unix socket): slow clients wait in nginx, never
# in a worker; Redis beside them counts the rate limits for every worker. deploy/serve.py starts
# them and stops them (Ctrl-C).
run: install nginx redis
	$(BIN)/registry init-db
	$(BIN)/python deploy/serve.py

# Debian's nginx and Redis, installed when missing (as root; otherwise the script says what to
# install). Neither is started as a system service: deploy/serve.py starts its own.
nginx:
	.ci/ensure-debian-packages.sh nginx=nginx

redis:
	.ci/ensure-debian-packages.sh redis-server=redis-server

test: install browser nginx redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

# The browser tests' chromium (Debian's: Playwright downloads none), and a Chinese font for the
# screenshots; installed when missing (as root; otherwise the script says what to install).
browser:
	.ci/ensure-debian-packages.sh chromium=chromium fc-list=fontconfig
	fc-list :lang=zh | grep -q . || .ci/ensure-debian-packages.sh __no_cjk_font__=fonts-wqy-microhei

# The same suite on PostgreSQL: a throwaway cluster on 127.0.0.1:54329, stopped afterwards.
PG_DIR ?= /tmp/registry-pg
PG_PORT ?= 54329
test-postgres: install browser nginx redis
	url=$$(.ci/postgres.sh start $(PG_DIR) $(PG_PORT)) && \
	  trap '.ci/postgres.sh stop $(PG_DIR)' EXIT && \
	  REGISTRY_TEST_DATABASE_URL="$$url" REGISTRY_TEST_THROWAWAY_SERVER=1 $(BIN)/pytest -q

# schemathesis (all checks, stateful phase) against a live server, for each kind of token.
fuzz: install
	$(BIN)/python .ci/fuzz.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: install
	$(BIN)/registry openapi write --format=json openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Dashboard polling against a bare Flask route; writes bench/RESULTS.md. BENCH_SIZES=10000 for a quick run.
bench: install nginx redis
	bench/ensure-wrk.sh
	$(BIN)/python bench/run.py

# The 100k-row import alone (over HTTP, the CLI at 10k and 100k, dry runs): printed, not written.
bench-imports: install nginx redis
	$(BIN)/python bench/run.py --imports=only
