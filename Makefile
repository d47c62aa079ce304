PYTHON ?= /usr/bin/python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install system run test bench bench-load grade-demo clean

install: system $(STAMP)

# The sandbox's system parts: bubblewrap and the unprivileged `sandbox` user (root only; skipped otherwise).
system:
	@if [ "$$(id -u)" = 0 ]; then \
	    command -v bwrap >/dev/null || (apt-get update -qq && apt-get install -y -qq bubblewrap); \
	    id sandbox >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sandbox; \
	    command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server); \
	else echo "not root: bubblewrap and the sandbox user must already exist for the strict sandbox"; fi

$(STAMP): requirements.txt requirements-service.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(PY) -m app.run

test: install
	$(PY) -m pytest -n 2 tests

bench: install
	$(PY) bench/grade.py

bench-load: install
	$(PY) bench/load.py

grade-demo: install
	$(PY) -m grader grade tests/submissions/correct_vectorized

clean:
	rm -rf $(VENV)
