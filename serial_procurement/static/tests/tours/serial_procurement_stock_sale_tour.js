/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on a ticket for one Managed Firewall FW-200 while two serials
// (STOCK-T1, STOCK-T2) are on hand, made by the Python test.
registry.category("web_tour.tours").add("serial_procurement_stock_sale_tour", {
    steps: () => [
        {
            content: "Stock covers the order: nothing to buy",
            trigger: ".o_form_statusbar:not(:has(button[name=action_create_purchase_orders]))",
        },
        {
            content: "Allocate from stock is the highlighted next step",
            trigger: ".o_form_statusbar button.btn-primary[name=action_allocate_from_stock]",
            run: "click",
        },
        {
            content: "Pick an exact serial",
            trigger: ".modal div[name=lot_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose STOCK-T2",
            trigger: ".modal .o_data_row td:contains('STOCK-T2')",
            run: "click",
        },
        {
            content: "The serial is chosen",
            trigger: ".modal div[name=lot_ids] .o_data_row td:contains('STOCK-T2')",
        },
        {
            content: "Allocate it",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the ticket's summary of units",
            trigger: ".o_notebook .nav-link:contains('Charges')",
            run: "click",
        },
        {
            content: "The line shows one unit allocated from stock",
            trigger: "div[name=serial_line_ids] td[name=serial_lot_ids]:contains('STOCK-T2')",
        },
        {
            content: "The delivery is one click away",
            trigger: "button[name=action_view_deliveries]",
        },
        {
            content: "Make Invoice is now the highlighted next step",
            trigger: ".o_form_statusbar button.btn-primary[name=action_make_invoice]",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Its line lists the serial taken from stock",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_field_many2many_tags:contains('STOCK-T2')",
        },
    ],
});
