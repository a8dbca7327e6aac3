# Developer commands of serial_procurement; see README.md.
# All of them find an existing Odoo 18, or install one from ODOO_ARCHIVE into
# ~/.cache/serial_procurement/ (scripts/sptool/), the same way.
PYTHON ?= python3
SP = $(PYTHON) scripts/sp.py

.PHONY: run test test-hostfree lint bench bench-enquiry host clean-host

run:  ## install what is needed, create/reuse the demo db, serve on :8069
	$(SP) run

test:  ## host-free suite, then every addon's tests on Odoo 18 (installed if missing)
	$(SP) test

test-hostfree:  ## explicit opt-in: the host-free suite only (no PostgreSQL, no Odoo)
	$(SP) test --hostfree-only

lint:  ## ruff and pylint-odoo (OCA mandatory checks); runs both, fails if either does
	@rc=0; \
	ruff check --output-format=concise . || rc=1; \
	pylint --rcfile=.pylintrc --load-plugins=pylint_odoo $$(ls -d serial_procurement*/) || rc=1; \
	exit $$rc

bench:  ## receipt benchmark in the `make run` database, rolled back (ARGS=...)
	$(SP) bench $(ARGS)

bench-enquiry:  ## Serial Enquiry benchmark: fills 1,000,000 serials into its own database
	$(SP) bench-enquiry $(ARGS)

host:  ## print the python of the Odoo 18 the commands use (installs it if needed)
	$(SP) host

clean-host:  ## remove the cached Odoo host(s), the test templates and var/
	$(SP) clean-host
