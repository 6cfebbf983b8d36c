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
# `make report EDITION=formal`: the formal 公文 with 版头 and 版记 (default: the public web edition);
# `FORMAT=docx,pdf` only these formats.
EDITION ?= web
# The year before YEAR that has a data file (for diff and compare); override with LAST=2023.
LAST ?= $(lastword $(foreach y,$(NEWEST_LIST),$(if $(shell [ $(y) -lt $(YEAR) ] && echo y),$(y))))

# The tool as the clerk types it (./fazhi), told that it runs under make: its advice then names
# make's targets and variables. make does not echo the command line.
TOOL := FAZHI_VIA_MAKE=1 ./fazhi
# A step that fails has already said why, in Chinese, as its last line: make then stops without
# adding its own English "make: *** [...] Error" line. SIGPIPE is the one signal that neither make
# nor the shell reports; make's exit status is then 141 (128 + SIGPIPE), never 0.
STOP = { kill -PIPE $$PPID; exit 2; }

SYSTEM_STAMP := .cache/setup/system.stamp
TESTS_STAMP  := .cache/setup/tests.stamp
FONTS_STAMP  := .fonts/.stamp
VENV_STAMP   := $(VENV)/.stamp
FANDOL := FandolFang-Regular.otf FandolKai-Regular.otf FandolHei-Regular.otf FandolHei-Bold.otf \
          FandolSong-Regular.otf FandolSong-Bold.otf

.PHONY: setup report test check pages draft serve bench clean need-year need-last lint collect merge absorb \
        import diff compare rename fonts-alias

setup: $(SYSTEM_STAMP) $(FONTS_STAMP) $(VENV_STAMP)
	@:

# Debian packages: WeasyPrint's libraries, CJK fonts, poppler (apt; quiet when all present).
$(SYSTEM_STAMP): scripts/setup-system.sh
	@PYTHON='$(PYTHON)' bash scripts/setup-system.sh || $(STOP)
	@mkdir -p $(@D) && touch $@

# What only the tests use (Chromium, LibreOffice): installed by `make test`, not by `make report`.
$(TESTS_STAMP): scripts/setup-system.sh | $(SYSTEM_STAMP)
	@PYTHON='$(PYTHON)' bash scripts/setup-system.sh --tests || $(STOP)
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
	       "可以试试：make $(MAKECMDGOALS) PYTHON=python3.11" >&2; $(STOP); }
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  echo "正在创建 $(VENV)"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	@echo "正在安装 Python 软件包到 $(VENV)（版本见 constraints.txt）"
	@$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	@$(PY) -c 'import weasyprint' || { \
	  echo "错误：WeasyPrint 无法加载系统库（Pango、HarfBuzz、fontconfig）。" \
	       "请运行 scripts/setup-system.sh；非 Debian 系统见 README.md。" >&2; $(STOP); }
	@touch $@

# For a Linux desktop without the office fonts: WPS and LibreOffice draw them in the Fandol fonts.
fonts-alias: $(FONTS_STAMP)
	@bash scripts/fonts-alias.sh

need-year:
	@test -n "$(YEAR)" || { echo "错误：data/ 中没有 <年份>.yaml 数据文件；请先导入本单位去年发布的报告：make import FILE=报告.docx（也可以是 .txt、.pdf、.html）" >&2; $(STOP); }
	@test -f "data/$(YEAR).yaml" || { echo "错误：没有 data/$(YEAR).yaml；现有的年份：$(NEWEST_LIST)" >&2; $(STOP); }

need-last: need-year
	@test -n "$(LAST)" || { echo "错误：data/ 中没有早于 $(YEAR) 年的数据文件可作比较；用 LAST=<年份> 指定上一年度" >&2; $(STOP); }
	@test -f "data/$(LAST).yaml" || { echo "错误：没有 data/$(LAST).yaml；现有的年份：$(NEWEST_LIST)" >&2; $(STOP); }

# The check runs first: its errors stop the build (out/ untouched); warnings are printed only.
report: setup need-year
	@$(TOOL) check data/$(YEAR).yaml || $(STOP)
	@$(TOOL) build data/$(YEAR).yaml --edition $(EDITION)$(if $(FORMAT), --format $(FORMAT)) || $(STOP)

# `make check PAGES=1` (or `make pages`) also lays the PDF out and checks its pages.
check: setup need-year
	@$(TOOL) check data/$(YEAR).yaml$(if $(PAGES), --pages --edition $(EDITION)) || $(STOP)

pages: setup need-year
	@$(TOOL) check data/$(YEAR).yaml --pages --edition $(EDITION) || $(STOP)

# Static checks first (ruff, mypy), then the suite; the status file gets pytest's own status.
test: setup $(TESTS_STAMP) lint
	@$(PY) -m pytest -q; status=$$?; \
	  if [ -n "$${PYTEST_STATUS_FILE:-}" ]; then echo $$status > "$$PYTEST_STATUS_FILE"; fi; \
	  exit $$status

lint: setup
	@$(PY) -m ruff check --quiet generator tests benchmarks
	@$(PY) -m mypy --no-error-summary

# Without YEAR=, the year after the newest; the tool refuses when the newest still has figures
# to fill in (it is itself a draft: make run twice by mistake) and says how to insist.
draft: setup need-year
	@$(TOOL) draft$(if $(filter-out file,$(origin YEAR)), $(YEAR)) || $(STOP)

# A last year's published report into data/<year>.yaml: make import FILE=报告.docx
# (OUT=data/2024.yaml another file name, FORCE=1 overwrites, TITLE=/IMPORT_YEAR=/REGION=/ISSUER=
# say what the report does not).
import: setup
	@test -n "$(FILE)" || { echo "请用 FILE= 指明去年发布的报告，例如 make import FILE=报告.docx（也可以是 .txt、.pdf、.html）" >&2; $(STOP); }
	@$(TOOL) import "$(FILE)"$(if $(OUT), -o "$(OUT)")$(if $(FORCE), --force)$(if $(TITLE), --title "$(TITLE)")$(if $(IMPORT_YEAR), --year $(IMPORT_YEAR))$(if $(REGION), --region "$(REGION)")$(if $(ISSUER), --issuer "$(ISSUER)") || $(STOP)

# This year against the last: a DOCX with tracked changes (diff) and a table of every figure (compare).
diff: setup need-last
	@$(TOOL) diff data/$(LAST).yaml data/$(YEAR).yaml || $(STOP)

compare: setup need-last
	@$(TOOL) compare data/$(LAST).yaml data/$(YEAR).yaml || $(STOP)

# A figure's name and every reference to it, in one step: make rename OLD=受理 NEW=行政复议受理
rename: setup need-year
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "请用 OLD= 和 NEW= 指明数字的旧名称和新名称，例如 make rename OLD=受理 NEW=行政复议受理" >&2; $(STOP); }
	@$(TOOL) rename data/$(YEAR).yaml "$(OLD)" "$(NEW)" || $(STOP)

# A 填报表 for each unit that reports figures, into forms/<year>/; save the returned forms into
# the same folder (any file name) and merge them: a form is told returned or blank by its content.
collect: setup need-year
	@$(TOOL) collect data/$(YEAR).yaml || $(STOP)

merge: setup need-year
	@$(TOOL) merge data/$(YEAR).yaml forms/$(YEAR)$(if $(DRY_RUN), --dry-run) || $(STOP)

# The reviewed DOCX back into the year's data: make absorb DOCX=审阅稿.docx (DRY_RUN=1 only shows
# the edits, ACCEPT=1 accepts pending tracked changes first).
absorb: setup need-year
	@test -n "$(DOCX)" || { echo "请用 DOCX= 指明审阅后的 Word 文档，例如 make absorb DOCX=审阅稿.docx" >&2; $(STOP); }
	@$(TOOL) absorb data/$(YEAR).yaml "$(DOCX)"$(if $(DRY_RUN), --dry-run)$(if $(ACCEPT), --accept-changes) || $(STOP)

# HOST=0.0.0.0 opens the page to the office network (see docs/serve.md before doing so).
serve: setup
	@$(TOOL) serve$(if $(HOST), --host $(HOST))$(if $(PORT), --port $(PORT)) || $(STOP)

bench: setup
	@$(PY) benchmarks/bench.py

clean:
	rm -rf out/
