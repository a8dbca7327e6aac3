/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on the Procurement queue (issue #22): the Python test made two
// tickets whose firewalls come from the vendor "Tour Vendor".
registry.category("web_tour.tours").add("serial_procurement_desk_queue_tour", {
    steps: () => [
        {
            content: "The queue is grouped by vendor",
            trigger: ".o_group_header:contains('Tour Vendor')",
            run: "click",
        },
        {
            content: "Each line names its ticket and customer",
            trigger: ".o_data_row td[name=order_partner_id]:contains('Tour Customer B')",
        },
        {
            content: "Select every line of the vendor",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Order them",
            trigger: "button[name=action_serial_order]",
            run: "click",
        },
        {
            content: "One request for quotation for the vendor, a line per ticket",
            trigger:
                ".o_form_view .o_field_widget[name=order_line] .o_data_row:eq(1):contains('Tour Firewall')",
        },
    ],
});

// Starts on the receipt of that request for quotation, confirmed by the test.
registry.category("web_tour.tours").add("serial_procurement_desk_import_tour", {
    steps: () => [
        {
            content: "Open the shipment file import",
            trigger: "button[name=action_serial_import_shipment]",
            run: "click",
        },
        {
            content: "Upload the distributor's file",
            trigger: ".modal .o_field_widget[name=data]",
            async run() {
                const input = this.anchor.querySelector("input[type=file]");
                const file = new File(
                    ["product,serial,ref\nTOUR-FW,ASN-T1,00:11:22:33:44:55\nTOUR-FW,ASN-T2,\n"],
                    "asn.csv",
                    {type: "text/csv"}
                );
                const transfer = new DataTransfer();
                transfer.items.add(file);
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The file is loaded",
            trigger: ".modal .o_field_widget[name=data] .o_clear_file_button",
        },
        {
            content: "Import it",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The receipt lines show the serials",
            trigger: "td[name=serial_progress]:contains('1/1 serials')",
        },
    ],
});
