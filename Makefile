# Set-up and everyday commands. `make report` on a fresh Debian/Ubuntu machine installs what is
# missing (system packages, fonts, .venv) and renders the newest data/<year>.yaml.
# Messages a clerk reads are Chinese.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

# Newest data/<4 digits>.yaml; override with `make report YEAR=2023`.
NEWEST_LIST := $(sort $(patsubst data/%.yaml,%,$(wildcard data/[0-9][0-9][0-9][0-9].yaml)))
NEWEST := $(lastword $(NEWEST_LIST))
YEAR ?= $(NEWEST)
# `make report EDITION=formal`: the formal 公文 with 版头 and 版记 (default: the public web edition).
EDITION ?= web
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

.PHONY: setup report test check draft serve bench clean need-year lint collect merge absorb fonts-alias

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

# The virtual environment, with exactly the versions of constraints.txt; re-installed whenever
# pyproject.toml or constraints.txt changes.
$(VENV_STAMP): pyproject.toml constraints.txt | $(SYSTEM_STAMP)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "错误：需要 Python 3.11 或更高版本，'$(PYTHON)' 是 $$($(PYTHON) -V 2>&1)。" \
	       "可以试试：make $(MAKECMDGOALS) PYTHON=python3.11" >&2; exit 1; }
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  echo "正在创建 $(VENV)"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	@echo "正在安装 Python 软件包到 $(VENV)（版本见 constraints.txt）"
	@$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	@$(PY) -c 'import weasyprint' || { \
	  echo "错误：WeasyPrint 无法加载系统库（Pango、HarfBuzz、fontconfig）。" \
	       "请运行 scripts/setup-system.sh；非 Debian 系统见 README.md。" >&2; exit 1; }
	@touch $@

# For a Linux desktop without the office fonts: WPS and LibreOffice draw them in the Fandol fonts.
fonts-alias: $(FONTS_STAMP)
	@bash scripts/fonts-alias.sh

need-year:
	@test -n "$(YEAR)" || { echo "错误：data/ 中没有 <年份>.yaml 数据文件；请用 YEAR=2024 指定，或先用 python -m generator import 导入去年的报告" >&2; exit 1; }
	@test -f "data/$(YEAR).yaml" || { echo "错误：没有 data/$(YEAR).yaml；现有的年份：$(NEWEST_LIST)" >&2; exit 1; }

# The check runs first: its errors stop the build (out/ untouched); warnings are printed only.
report: setup need-year
	$(PY) -m generator check data/$(YEAR).yaml
	$(PY) -m generator build data/$(YEAR).yaml --edition $(EDITION)

check: setup need-year
	$(PY) -m generator check data/$(YEAR).yaml

# Static checks first (ruff, mypy), then the suite; the status file gets pytest's own status.
test: setup lint
	@$(PY) -m pytest -q; status=$$?; \
	  if [ -n "$${PYTEST_STATUS_FILE:-}" ]; then echo $$status > "$$PYTEST_STATUS_FILE"; fi; \
	  exit $$status

lint: setup
	@$(PY) -m ruff check --quiet generator tests benchmarks
	@$(PY) -m mypy --no-error-summary

# Without YEAR=, the year after the newest. When the newest is itself a draft (run twice by
# mistake), say so instead of drafting the year after it.
draft: setup need-year
	@if [ "$(origin YEAR)" = file ] && head -n 1 "data/$(NEWEST).yaml" | grep -q '年度草稿'; then \
	  echo "data/$(NEWEST).yaml 已经是 $(NEWEST) 年度的草稿，不再起草 $(DRAFT_YEAR) 年度。" \
	       "确实要起草 $(DRAFT_YEAR) 年度，请写 make draft YEAR=$(DRAFT_YEAR)" >&2; exit 1; fi
	$(PY) -m generator draft $(DRAFT_YEAR)

# A 填报表 for each unit that reports figures, into forms/<year>/; save the returned forms into
# the same folder (any file name) and merge them: every .xlsx there is read, blank ones add nothing.
collect: setup need-year
	$(PY) -m generator collect data/$(YEAR).yaml

merge: setup need-year
	$(PY) -m generator merge data/$(YEAR).yaml forms/$(YEAR)

# The reviewed DOCX back into the year's data: make absorb DOCX=审阅稿.docx (DRY_RUN=1 only shows
# the edits, ACCEPT=1 accepts pending tracked changes first).
absorb: setup need-year
	@test -n "$(DOCX)" || { echo "请用 DOCX= 指明审阅后的 Word 文档，例如 make absorb DOCX=审阅稿.docx" >&2; exit 1; }
	$(PY) -m generator absorb data/$(YEAR).yaml "$(DOCX)"$(if $(DRY_RUN), --dry-run)$(if $(ACCEPT), --accept-changes)

serve: setup
	$(PY) -m generator serve

bench: setup
	$(PY) benchmarks/bench.py

clean:
	rm -rf out/
