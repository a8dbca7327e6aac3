# Developer commands of serial_procurement; see README.md.
PYTHON ?= python3

.PHONY: run test lint bench bench-enquiry

run:  ## install what the addon needs, create/reuse the demo db, serve on :8069
	$(PYTHON) scripts/sp.py run

test:  ## host-free suite, then serial_procurement/tests on Odoo 18 (if found)
	$(PYTHON) scripts/sp.py test

lint:  ## ruff and pylint-odoo (OCA mandatory checks); runs both, fails if either does
	@rc=0; \
	ruff check --output-format=concise . || rc=1; \
	pylint --rcfile=.pylintrc --load-plugins=pylint_odoo serial_procurement || rc=1; \
	exit $$rc

bench:  ## receipt benchmark (100 and 1,000 serials), in the `make run` database, rolled back
	$(PYTHON) benchmarks/bench_receipt.py

BENCH_DB ?= sp_bench_enquiry
bench-enquiry:  ## Serial Enquiry benchmark: fills 1,000,000 serials into its own database
	SP_DB=$(BENCH_DB) SP_RUN_INIT_ONLY=1 $(PYTHON) scripts/sp.py run
	$(PYTHON) benchmarks/bench_enquiry.py -d $(BENCH_DB)
