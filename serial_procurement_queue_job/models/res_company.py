# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# Defaults measured on the project's machine kind (2 cores; benchmarks/
# bench_receipt.py, see readme/CONFIGURE.md): a receipt of this many serials
# onto tickets takes about 10 s of CPU, a count sheet of this many rows about
# as much; Odoo kills a request at 60 s of CPU (limit_time_cpu).
DEFAULT_RECEIPT_SERIALS = 2000
DEFAULT_COUNT_SHEET_ROWS = 2000


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_job_receipt_serials = fields.Integer(
        string="Receipts validated in the background above (serials)",
        default=DEFAULT_RECEIPT_SERIALS,
        help="Validating a receipt with more serial numbers than this queues the "
        "validation as a background job. 0: never.",
    )
    serial_job_count_sheet_rows = fields.Integer(
        string="Count sheets imported in the background above (rows)",
        default=DEFAULT_COUNT_SHEET_ROWS,
        help="Importing a count sheet with more rows than this queues the import "
        "as a background job. 0: never.",
    )
