# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Serial Procurement - Manufacturing",
    "summary": "Serials in production: component serials before an order starts, "
    "one paste/scan entry for the serials produced, genealogy in the serial history",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "website": "https://github.com/serial-procurement/serial_procurement",
    "author": "serial_procurement contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "application": False,
    "installable": True,
    "auto_install": True,
    "depends": [
        "serial_procurement",
        "mrp",
    ],
    "data": [
        "security/ir.model.access.csv",
        "wizards/serial_procurement_produce_serial_wizard_views.xml",
        "views/mrp_production_views.xml",
        "views/stock_lot_views.xml",
        "report/serial_history_report.xml",
    ],
}
