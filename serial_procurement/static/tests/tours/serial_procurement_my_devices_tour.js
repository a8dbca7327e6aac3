/** @odoo-module **/
// Copyright 2026 serial_procurement contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Starts on /my/devices as a portal user who owns serial TOUR-DEV-1 and
// must not see TOUR-DEV-OTHER (another customer's serial).
registry.category("web_tour.tours").add("serial_procurement_my_devices_tour", {
    steps: () => [
        {
            content: "My Devices lists the customer's serial with its warranty",
            trigger: ".o_serial_my_devices tr:contains('TOUR-DEV-1'):contains('Under Warranty')",
        },
        {
            content: "Another customer's serial is not listed",
            trigger: ".o_serial_my_devices:not(:contains('TOUR-DEV-OTHER'))",
        },
        {
            content: "Report a problem on the serial",
            trigger: ".o_serial_my_devices tr:contains('TOUR-DEV-1') a.o_serial_device_ticket",
            run: "click",
        },
        {
            content: "Describe the problem",
            trigger: "form.o_serial_device_ticket_form textarea[name=description]",
            run: "edit The unit does not boot any more.",
        },
        {
            content: "Open the service ticket",
            trigger: "form.o_serial_device_ticket_form button[type=submit]",
            run: "click",
        },
        {
            content: "Back on My Devices, the serial shows its open ticket",
            trigger: ".o_serial_my_devices tr:contains('TOUR-DEV-1') a.o_serial_open_ticket:contains('Service request for TOUR-DEV-1')",
        },
    ],
});
