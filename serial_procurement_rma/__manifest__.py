# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Serial Procurement - RMA",
    "summary": "Returns and replacements by serial from a service ticket, with "
    "OCA rma and rma_lot: customer return, return to the vendor, replacement",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-procurement/serial_procurement",
    "author": "serial_procurement contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "application": False,
    "installable": True,
    "auto_install": True,
    "depends": [
        "serial_procurement",
        "rma",
        "rma_lot",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/product_template_views.xml",
        "views/rma_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/stock_lot_views.xml",
        "wizards/serial_procurement_rma_replacement_wizard_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "serial_procurement_rma/static/tests/tours/*.js",
        ],
    },
}
