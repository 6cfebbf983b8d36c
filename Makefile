# Set-up and everyday commands. `make report` on a fresh Debian/Ubuntu machine installs what is
# missing (system packages, fonts, .venv) and renders the newest data/<year>.yaml.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

# Newest data/<4 digits>.yaml; override with `make report YEAR=2023`.
NEWEST := $(lastword $(sort $(patsubst data/%.yaml,%,$(wildcard data/[0-9][0-9][0-9][0-9].yaml))))
YEAR ?= $(NEWEST)
# `make draft` starts a new year's file: the year after the newest, unless YEAR is given.
ifeq ($(origin YEAR),file)
DRAFT_YEAR = $(if $(NEWEST),$(shell echo $$(($(NEWEST) + 1))))
else
DRAFT_YEAR = $(YEAR)
endif

SYSTEM_STAMP := .cache/setup/system.stamp
FONTS_STAMP  := .fonts/.stamp
VENV_STAMP   := $(VENV)/.stamp
FANDOL := FandolFang-Regular.otf FandolKai-Regular.otf FandolHei-Regular.otf FandolHei-Bold.otf \
          FandolSong-Regular.otf FandolSong-Bold.otf

.PHONY: setup report test check draft serve bench clean need-year

setup: $(SYSTEM_STAMP) $(FONTS_STAMP) $(VENV_STAMP)
	@:

# Debian packages: WeasyPrint's libraries, CJK fonts, test tools (apt; quiet when all present).
$(SYSTEM_STAMP): scripts/setup-system.sh
	@PYTHON='$(PYTHON)' bash scripts/setup-system.sh
	@mkdir -p $(@D) && touch $@

# Fandol fonts into .fonts/. The stamp is only written once all six are there, so a machine
# without apt keeps being reminded (the script is cheap when it cannot do anything).
# After the system step: both use apt, and that step may have refreshed the package lists.
$(FONTS_STAMP): scripts/setup-fonts.sh | $(SYSTEM_STAMP)
	@bash scripts/setup-fonts.sh
	@if ls $(addprefix .fonts/,$(FANDOL)) >/dev/null 2>&1; then touch $@; fi

# The virtual environment; re-installed whenever pyproject.toml changes.
$(VENV_STAMP): pyproject.toml | $(SYSTEM_STAMP)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: Python >= 3.11 is needed; '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." \
	       "Try: make $(MAKECMDGOALS) PYTHON=python3.11" >&2; exit 1; }
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  echo "creating $(VENV)"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	@echo "installing Python packages into $(VENV)"
	@$(PY) -m pip install -q -e '.[test]'
	@$(PY) -c 'import weasyprint' || { \
	  echo "error: WeasyPrint cannot load its system libraries (Pango, HarfBuzz, fontconfig)." \
	       "Run scripts/setup-system.sh, or see README.md for non-Debian machines." >&2; exit 1; }
	@touch $@

need-year:
	@test -n "$(YEAR)" || { echo "error: no data/<year>.yaml found; name one with YEAR=..." >&2; exit 1; }

# The check runs first: its errors stop the build (out/ untouched); warnings are printed only.
report: setup need-year
	$(PY) -m generator check data/$(YEAR).yaml
	$(PY) -m generator build data/$(YEAR).yaml

check: setup need-year
	$(PY) -m generator check data/$(YEAR).yaml

test: setup
	@$(PY) -m pytest -q; status=$$?; \
	  if [ -n "$${PYTEST_STATUS_FILE:-}" ]; then echo $$status > "$$PYTEST_STATUS_FILE"; fi; \
	  exit $$status

draft: setup need-year
	$(PY) -m generator draft $(DRAFT_YEAR)

serve: setup
	$(PY) -m generator serve

bench: setup
	$(PY) benchmarks/bench.py

clean:
	rm -rf out/
