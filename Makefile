# The two commands of README.md, "Two commands": `make run` and `make test`. Everything goes
# through .venv.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint worker beat messages clean backup restore

install: $(STAMP)

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: export DEBUG ?= true
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo ""
	@echo "Cổng thông tin SXSH Mê Linh: http://127.0.0.1:8000/"
	$(PY) manage.py runserver 127.0.0.1:8000

# Tests run in TEST_JOBS processes (pytest-xdist); a module or group that starts a server or a
# worker stays in one of them (--dist loadgroup). `make test-fast` leaves out what starts a
# process or a browser: the inner loop, not a replacement for `make test`. One process more than
# the cores: browser and process tests wait part of the time (in November: 6 min 14 s with 3 on
# two cores, 7 min 28 s with 2, 6 min 32 s with 4; on 1 December, 1,746 tests, 7 min 24 s with 3).
TEST_JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: install
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadgroup -m "not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# One worker for every queue (docker-compose.yml gives imports workers of their own).
worker: install
	$(VENV)/bin/celery -A melinh_sxsh worker -Q celery,imports --loglevel=info

beat: install
	$(VENV)/bin/celery -A melinh_sxsh beat --loglevel=info

# The database and the media files in one archive under var/backups/; restore one with
# `make restore FILE=var/backups/sxsh-....tar.gz` (it replaces what is there, then checks it).
backup restore: export DEBUG ?= true
backup: install
	$(PY) manage.py backup

restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=var/backups/sxsh-....tar.gz" && exit 2)
	$(PY) manage.py restore "$(FILE)"

# Refresh the Vietnamese catalogue after changing UI strings; translate, then compile.
messages: install
	$(PY) manage.py makemessages -l vi --no-obsolete --no-wrap --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) var/db.sqlite3
