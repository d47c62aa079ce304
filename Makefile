PYTHON ?= /usr/bin/python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test bench grade-demo clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

test: install
	$(PY) -m pytest -n 2 tests

bench: install
	$(PY) bench/grade.py

grade-demo: install
	$(PY) -m grader grade tests/submissions/correct_vectorized

clean:
	rm -rf $(VENV)
