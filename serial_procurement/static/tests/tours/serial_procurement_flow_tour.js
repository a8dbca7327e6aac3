/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on a quotation of two Managed Firewall FW-200 made by the Python test.
registry.category("web_tour.tours").add("serial_procurement_flow_tour", {
    steps: () => [
        {
            content: "Create the ticket from the approved estimate",
            trigger: "button[name=action_create_ticket]",
            run: "click",
        },
        {
            content: "The ticket requires an invoice",
            trigger: ".o_field_widget[name=billing_status]:contains('Invoice Required')",
        },
        {
            content: "Take a deposit",
            trigger: "button[name=action_take_deposit]",
            run: "click",
        },
        {
            content: "Another amount than the remaining balance or half",
            trigger: ".modal div[name=amount_choice] input[data-value=other]",
            run: "click",
        },
        {
            content: "Deposit of 1000",
            trigger: ".modal div[name=amount] input",
            run: "edit 1000",
        },

        {
            content: "Create the deposit invoice",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The ticket is partially invoiced",
            trigger: ".o_field_widget[name=billing_status]:contains('Partially Invoiced')",
        },
        {
            content: "The deposit dialog closed onto the same ticket: no duplicated breadcrumb",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item",
            run() {
                const last = document
                    .querySelector(".o_breadcrumb .o_last_breadcrumb_item")
                    .textContent.trim();
                const items = [
                    ...document.querySelectorAll(".o_breadcrumb .breadcrumb-item"),
                ].map((item) => item.textContent.trim());
                if (items.includes(last) || new Set(items).size !== items.length) {
                    throw new Error(`Duplicated breadcrumbs: ${items.join(" / ")} / ${last}`);
                }
            },
        },
        {
            content: "Taking a deposit is no longer the highlighted step",
            trigger: ".o_form_statusbar button.btn-secondary[name=action_take_deposit]",
        },
        {
            content: "Make Invoice is not highlighted before the serials arrive",
            trigger: ".o_form_statusbar:not(:has(button.btn-primary[name=action_make_invoice]))",
        },
        {
            content: "Buy the units: the highlighted next step",
            trigger: ".o_form_statusbar button.btn-primary[name=action_create_purchase_orders]",
            run: "click",
        },
        {
            content: "Confirm the purchase order",
            trigger: ".o_form_view button[name=button_confirm]",
            run: "click",
        },
        {
            content: "Open the receipt",
            trigger: "button[name=action_view_picking]",
            run: "click",
        },
        {
            content: "Enter the serials of the receipt line",
            trigger: "button[name=action_open_serial_entry]",
            run: "click",
        },
        {
            content: "Paste two serials (comma separated, as copied from a spreadsheet row)",
            trigger: ".modal div[name=serials] textarea",
            run: "edit TOUR-FW-1, TOUR-FW-2",
        },
        {
            content: "Add them to the receipt",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The receipt line shows its serials and the ticket they go to",
            trigger: "td[name=serial_progress]:contains('2/2 serials → HT')",
        },
        {
            content: "Entering serials left the receipt ready: no Check Availability",
            trigger: ".o_form_view:not(:has(button[name=action_assign]))",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_form_view button[name=button_validate]",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "Back to the ticket",
            trigger: "button[name=action_view_tickets]",
            run: "click",
        },
        {
            content: "Make the invoice: now the highlighted next step",
            trigger: ".o_form_statusbar button.btn-primary[name=action_make_invoice]",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Its line lists the serials",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_field_many2many_tags:contains('TOUR-FW-1')",
        },
    ],
});
