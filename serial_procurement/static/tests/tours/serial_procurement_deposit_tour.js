/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on a ticket of two Managed Firewall FW-200 (2,400.00), made by the
// Python test: a deposit of half the order, invoiced and left open.
registry.category("web_tour.tours").add("serial_procurement_deposit_tour", {
    steps: () => [
        {
            content: "Take a deposit",
            trigger: ".o_form_statusbar button[name=action_take_deposit]",
            run: "click",
        },
        {
            content: "No amount is chosen for the user",
            trigger: ".modal div[name=amount_choice]:not(:has(input:checked))",
        },
        {
            content: "No payment is recorded unless the user says it was received",
            trigger: ".modal div[name=register_payment] input:not(:checked)",
        },
        {
            content: "No payment journal is asked while the payment is not received",
            trigger: ".modal:not(:has(div[name=journal_id]))",
        },
        {
            content: "Half of the order, one click",
            trigger: ".modal div[name=amount_choice] input[data-value=half]",
            run: "click",
        },
        {
            content: "The deposit is 1,200.00",
            trigger: ".modal div[name=deposit_value]:contains('1,200.00')",
        },
        {
            content: "Ticking the payment asks for its journal",
            trigger: ".modal div[name=register_payment] input",
            run: "click",
        },
        {
            content: "The journal, the date and the memo are asked",
            trigger: ".modal div[name=journal_id] input",
        },
        {
            trigger: ".modal div[name=payment_memo] input",
        },
        {
            content: "Untick: the payment is not received yet",
            trigger: ".modal div[name=register_payment] input:checked",
            run: "click",
        },
        {
            trigger: ".modal:not(:has(div[name=journal_id]))",
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
            content: "The ticket shows the deposit",
            trigger: ".o_field_widget[name=deposit_amount]:contains('1,200.00')",
        },
    ],
});
