# Developer commands of serial_procurement; see CONTRIBUTING.md.
# All of them find an existing Odoo 18, or install one from ODOO_ARCHIVE into
# ~/.cache/serial_procurement/ (scripts/sptool/), the same way.
PYTHON ?= python3
SP = $(PYTHON) scripts/sp.py

.PHONY: run pot test test-some test-peers test-hostfree test-multiprocess lint bench bench-background bench-enquiry bench-count-sheet host clean-host

run:  ## install what is needed, create/reuse the demo db, serve on :8069
	$(SP) run

test:  ## host-free suite, then every addon's tests on Odoo 18 (installed if missing)
	$(SP) test

test-some:  ## named Odoo tests on a kept dev database: make test-some ARGS="serial_procurement/tests/test_flow.py"
	$(SP) test-some $(ARGS)

test-peers:  ## core's and OCA's own suites with the addons installed (ARGS=--rules-on)
	$(SP) test-peers $(ARGS)

pot:  ## every addon's i18n/<addon>.pot exported by Odoo from the dev database
	$(SP) pot

test-hostfree:  ## explicit opt-in: the host-free suite only (no PostgreSQL, no Odoo)
	$(SP) test --hostfree-only

test-multiprocess:  ## Odoo multi-process (workers=2, job runner) on a fresh db: 5,000-serial background receipt, killed worker, websocket
	$(SP) test-multiprocess

lint:  ## ruff (check, format) and pylint-odoo (OCA mandatory checks) from var/venv-lint
	$(SP) lint

bench:  ## receipt benchmark (rolled back, ARGS=...), then the background receipt of 10,000 / 50,000 serials (ARGS=--no-background to skip)
	$(SP) bench $(ARGS)

bench-background:  ## background receipt of 10,000 / 50,000 serials in slices: wall, CPU per slice, peak memory (ARGS=...)
	$(SP) bench-background $(ARGS)

bench-enquiry:  ## Serial Enquiry benchmark: fills 1,000,000 serials into its own database
	$(SP) bench-enquiry $(ARGS)

bench-count-sheet:  ## count sheet import of 1,000 / 10,000 / 100,000 rows, rolled back (ARGS=...)
	$(SP) bench-count-sheet $(ARGS)

host:  ## print the python of the Odoo 18 the commands use (installs it if needed)
	$(SP) host

clean-host:  ## remove the cached Odoo host(s), the test templates and var/
	$(SP) clean-host

# ---- Packaging, generated docs, OCA checks, release (see CONTRIBUTING.md "Releasing") ----
# Tools are pinned in scripts/tools-requirements.txt and live in var/venv-tools.
TOOLS_VENV ?= var/venv-tools
TOOLS_PY = $(TOOLS_VENV)/bin/python
ADDONS = $(patsubst %/__manifest__.py,%,$(wildcard */__manifest__.py))

.PHONY: tools pyproject dist readme readme-check check-oca release-notes screenshots test-wheel

$(TOOLS_VENV)/.installed: scripts/tools-requirements.txt
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_PY) -m pip install -q --disable-pip-version-check -r $<
	touch $@

tools: $(TOOLS_VENV)/.installed  ## the pinned packaging/docs tools in var/venv-tools

pyproject: tools  ## write the whool pyproject.toml into every addon folder lacking one
	$(TOOLS_VENV)/bin/whool init .

dist: tools  ## build one wheel per addon (committed files only) into dist/
	rm -rf dist && mkdir -p dist
	for addon in $(ADDONS); do \
	    $(TOOLS_PY) -m build --wheel --no-isolation --outdir dist $$addon || exit 1; \
	done
	ls -l dist

readme: tools  ## write README.rst and static/description/index.html from readme/
	$(TOOLS_PY) scripts/gen_readme.py

readme-check: tools  ## exit 1 with a diff if a generated README/index.html is stale
	$(TOOLS_PY) scripts/gen_readme.py --check

check-oca: tools  ## oca-odoo-pre-commit-hooks (manifests, XML, .po) and manifestoo
	$(TOOLS_VENV)/bin/oca-checks-odoo-module $(ADDONS)
	$(TOOLS_VENV)/bin/oca-checks-po $(wildcard */i18n/*.po */i18n/*.pot)
	$(TOOLS_VENV)/bin/whool init --exit-non-zero-on-changes .
	@odoo_py=$$($(SP) host) || exit 1; odoo_py=$$(echo "$$odoo_py" | tail -n 1); \
	m="$(TOOLS_VENV)/bin/manifestoo -d . --odoo-series 18.0 --addons-path-from-import-odoo --addons-path-python $$odoo_py"; \
	echo "manifestoo: licenses, development status, dependencies (python: $$odoo_py)"; \
	$$m check-licenses && $$m check-dev-status --default-dev-status=Beta && missing=$$($$m list-missing) || exit 1; \
	if [ -n "$$missing" ]; then echo "manifestoo: dependencies not found: $$missing"; exit 1; fi

release-notes: tools  ## ADDON=... VERSION=18.0.x.y.z: newsfragments -> readme/HISTORY.md
	@test -n "$(ADDON)" -a -n "$(VERSION)" || { echo "usage: make release-notes ADDON=serial_procurement VERSION=18.0.1.1.0"; exit 2; }
	$(TOOLS_VENV)/bin/towncrier build --config towncrier.toml --dir $(ADDON) --version $(VERSION) --yes
	$(TOOLS_PY) scripts/gen_readme.py $(ADDON)

screenshots:  ## pictures of the main screens into serial_procurement/static/description/
	$(SP) screenshots

test-wheel:  ## make test plus the wheel layer: addons built, pip-installed and tested as wheels
	$(SP) test --wheel
