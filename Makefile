PYTHON ?= /usr/bin/python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install system test-system run test bench bench-load grade-demo clean

install: system $(STAMP)

# The sandbox's system parts (root only; skipped otherwise): Python 3.11, bubblewrap, Redis, the unprivileged
# `sandbox` user, and its way to the virtual environment (it may traverse, not list, every folder above).
system:
	@if [ "$$(id -u)" = 0 ]; then \
	    test -x $(PYTHON) || (apt-get update -qq && apt-get install -y -qq python3.11 python3.11-venv); \
	    command -v bwrap >/dev/null || (apt-get update -qq && apt-get install -y -qq bubblewrap); \
	    id sandbox >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sandbox; \
	    command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server); \
	    dir=$$(pwd); while [ "$$dir" != / ]; do chmod o+x "$$dir"; dir=$$(dirname "$$dir"); done; \
	else echo "not root: bubblewrap and the sandbox user must already exist for the strict sandbox"; fi

# What the tests need besides `install` (root only): PostgreSQL (the migration tests start a throwaway server)
# and Debian's Chromium (the browser tests drive it through Playwright; no browser download).
test-system:
	@if [ "$$(id -u)" = 0 ]; then \
	    need=""; \
	    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	    test -x /usr/bin/chromium || need="$$need chromium"; \
	    if [ -n "$$need" ]; then apt-get update -qq && apt-get install -y -qq $$need; fi; \
	else echo "not root: PostgreSQL and Chromium must already be installed for their tests"; fi

$(STAMP): requirements.txt requirements-service.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(PY) -m app.run

test: install test-system
	$(PY) -m pytest -n 2 tests

bench: install
	$(PY) bench/grade.py

bench-load: install
	$(PY) bench/load.py

grade-demo: install
	$(PY) -m grader grade tests/submissions/correct_vectorized

clean:
	rm -rf $(VENV)
