/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on the Inventory app; the Python test put serial CS-OLD on hand in
// WH/Stock. Export downloads the sheet, the counted sheet is imported back:
// CS-OLD written off, CS-NEW added, and the user is told so.
const COUNTED = [
    "Product,Location,SerialOrBatch,Counted Quantity",
    "FW-200,WH/Stock,CS-OLD,0",
    "FW-200,WH/Stock,CS-NEW,1",
].join("\n");

registry.category("web_tour.tours").add("serial_procurement_count_sheet_tour", {
    steps: () => [
        {
            content: "Open Operations",
            trigger: ".o_main_navbar button:contains('Operations')",
            run: "click",
        },
        {
            content: "Open the count sheet",
            trigger: ".dropdown-item:contains('Stock Take Count Sheet')",
            run: "click",
        },
        {
            content: "Nothing to import yet",
            trigger: ".modal:not(:has(button[name=action_import]))",
        },
        {
            content: "Export: a download",
            trigger: ".modal button[name=action_export]",
            run: "click",
        },
        {
            content: "The dialog keeps its title",
            trigger: ".modal .modal-title:contains('Stock Take Count Sheet')",
        },
        {
            content: "The export is not put into the upload field: no Import button",
            trigger: ".modal:not(:has(button[name=action_import]))",
        },
        {
            content: "Upload the counted sheet",
            trigger: ".modal div[name=data] input[type=file]:not(:visible)",
            run() {
                const input = document.querySelector(
                    ".modal div[name=data] input[type=file]"
                );
                const transfer = new DataTransfer();
                transfer.items.add(new File([COUNTED], "counted.csv", {type: "text/csv"}));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "Import and apply",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "The user is told what changed",
            trigger: ".o_notification:contains('2 rows applied. Serials: 1 added, 0 moved, 1 written off.')",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
