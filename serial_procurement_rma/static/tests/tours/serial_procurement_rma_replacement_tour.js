/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on an RMA whose serial R-OLD is back in stock, while two deliveries
// of the same product to another customer wait for a unit (made by the Python
// test). The vendor's new serial goes to the RMA's customer.
registry.category("web_tour.tours").add("serial_procurement_rma_replacement_tour", {
    steps: () => [
        {
            content: "Replace the serial",
            trigger: ".o_form_statusbar button[name=action_serial_replace]",
            run: "click",
        },
        {
            content: "The dialog names the RMA",
            trigger: ".modal .o_form_label:contains('RMA')",
        },
        {
            content: "Type the serial the vendor sent",
            trigger: ".modal div[name=lot_name] input",
            run: "edit R-NEW-TOUR",
        },
        {
            content: "Receive and deliver the replacement",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "No error: the dialog closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The RMA waits for its replacement delivery",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Waiting for replacement')",
        },
        {
            content: "The replacement serial is on the RMA",
            trigger: ".o_field_widget[name=replacement_lot_id]:contains('R-NEW-TOUR')",
        },
    ],
});
