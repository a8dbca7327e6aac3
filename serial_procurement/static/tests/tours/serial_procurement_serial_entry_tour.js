/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on the receipt of a ticket's purchase order of two units, made by
// the Python test.
registry.category("web_tour.tours").add("serial_procurement_serial_entry_tour", {
    steps: () => [
        {
            content: "The receipt line shows no serial yet",
            trigger: "td[name=serial_progress]:contains('0/2 serials')",
        },
        {
            content: "Open the serial entry dialog (labelled, not core's details icon)",
            trigger: "button[name=action_open_serial_entry]:contains('Serials')",
            run: "click",
        },
        {
            content: "Scan a serial twice",
            trigger: ".modal div[name=serials] textarea",
            async run(helpers) {
                // A scanner ends each serial with Enter; the field then loses focus.
                await helpers.edit("ENTRY-1\nENTRY-1");
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The counter counts distinct serials",
            trigger: ".modal div[name=serial_count]:contains('1')",
        },
        {
            content: "The duplicate is flagged before submitting",
            trigger: ".modal .alert-warning:contains('Entered twice: ENTRY-1')",
        },
        {
            content: "Fix the entry",
            trigger: ".modal div[name=serials] textarea",
            async run(helpers) {
                await helpers.edit("ENTRY-1\nENTRY-2");
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "Two distinct serials, no warning",
            trigger: ".modal:not(:has(.alert-warning)) div[name=serial_count]:contains('2')",
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
            content: "The line shows the serials and the ticket",
            trigger: "td[name=serial_progress]:contains('2/2 serials → HT')",
        },
        {
            content: "The receipt stays ready: no Check Availability",
            trigger: ".o_form_view:not(:has(button[name=action_assign]))",
        },
    ],
});
