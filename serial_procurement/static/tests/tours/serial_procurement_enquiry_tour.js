/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on the Serial Enquiry; the Python test made serial ENQ-TOUR-1 of
// customer "Enquiry Customer". The search facet says what it searches, the
// list shows at most 9 columns.
registry.category("web_tour.tours").add("serial_procurement_enquiry_tour", {
    steps: () => [
        {
            content: "At most 9 columns shown by default",
            trigger: ".o_list_view .o_data_row",
            run() {
                const headers = document.querySelectorAll(
                    ".o_list_view thead th[data-name]"
                );
                if (headers.length > 9) {
                    const names = [...headers].map((th) => th.dataset.name);
                    throw new Error(`${headers.length} columns: ${names.join(", ")}`);
                }
            },
        },
        {
            content: "Search by customer name in the one enquiry box",
            trigger: ".o_searchview_input",
            run: "edit Enquiry Customer",
        },
        {
            content: "The first proposal searches serials and their references",
            trigger: ".o_searchview_autocomplete li.o_menu_item:first-child:contains('Enquiry Customer')",
            run: "click",
        },
        {
            content: "The facet shows its label",
            trigger: ".o_searchview_facet .o_searchview_facet_label small:contains('Serial or Reference')",
        },
        {
            content: "The serial of that customer is found",
            trigger: ".o_data_row td[name=name]:contains('ENQ-TOUR-1')",
        },
        {
            content: "Only that serial",
            trigger: ".o_list_view:not(:has(.o_data_row td[name=name]:contains('ENQ-TOUR-2')))",
        },
    ],
});
