# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Serial Procurement - Background Jobs",
    "summary": "Validate big serial receipts and import big count sheets as "
    "background jobs (OCA queue_job)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-procurement/serial_procurement",
    "author": "serial_procurement contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "auto_install": True,
    "depends": ["serial_procurement", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
