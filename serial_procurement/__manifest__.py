# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Serial Procurement",
    "summary": "Sell serialized hardware through tickets: deposit, purchase, "
    "receive by serial onto the ticket, invoice with serials and deposit deducted",
    "version": "18.0.1.1.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-procurement/serial_procurement",
    "author": "serial_procurement contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "sale_management",
        "sale_stock",
        "purchase_stock",
        "stock_account",
        "product_expiry",
        "helpdesk_mgmt",
    ],
    "data": [
        "security/serial_procurement_security.xml",
        "security/ir.model.access.csv",
        "views/product_template_views.xml",
        "views/res_config_settings_views.xml",
        "views/stock_lot_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/sale_order_views.xml",
        "views/purchase_order_views.xml",
        "views/stock_picking_views.xml",
        "views/account_move_views.xml",
        "wizards/serial_procurement_deposit_wizard_views.xml",
        "wizards/serial_procurement_serial_entry_wizard_views.xml",
        "report/report_invoice.xml",
        "wizards/serial_procurement_correct_serial_wizard_views.xml",
        "wizards/serial_procurement_add_serials_wizard_views.xml",
        "wizards/serial_procurement_count_sheet_wizard_views.xml",
        "report/serial_history_report.xml",
        "report/serial_procurement_sold_report_views.xml",
        "views/stock_scrap_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "serial_procurement/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/serial_procurement_demo.xml",
    ],
}
