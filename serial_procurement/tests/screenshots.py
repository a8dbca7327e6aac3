# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pictures of the main screens for readme/USAGE.md, taken by `make screenshots`.

Not part of the test suite (the file name does not start with ``test_`` and
tests/__init__.py does not import it): `make screenshots` runs it with
pytest-odoo on the `make run` demo database and SP_SCREENSHOTS_DIR set to
static/description/. It builds one ticket through the whole flow in the test
transaction (rolled back: the demo database is left as it was), opens each
screen in Odoo's headless Chromium as admin, waits for it to be drawn and
saves Chrome DevTools' ``Page.captureScreenshot`` as PNG.
"""

import base64
import os
from pathlib import Path

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import SerialProcurementCase

# Settle time after the screen is drawn (fonts, transitions), in ms.
SETTLE_MS = 1200


@tagged("post_install", "-at_install")
class TakeScreenshots(SerialProcurementCase, HttpCase):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out_dir = os.environ.get("SP_SCREENSHOTS_DIR")

    def setUp(self):
        super().setUp()
        if not self.out_dir:
            self.skipTest(
                "SP_SCREENSHOTS_DIR unset: pictures come from make screenshots"
            )

    # -- capture -----------------------------------------------------------------

    def _evaluate(self, browser, expression, timeout=30):
        return browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "awaitPromise": True},
            timeout=timeout,
        )["result"]

    def _shoot(self, name, url, ready, click=None, ready_after_click=None, scroll=None):
        """Open ``url`` as admin, wait for ``ready`` (a CSS selector), optionally
        click ``click`` and wait for ``ready_after_click``, scroll ``scroll`` to
        the top of the screen, save ``name``.png."""
        browser = ChromeBrowser(self)
        try:
            self.authenticate("admin", "admin", browser=browser)
            browser.navigate_to(self.base_url() + url, wait_stop=True)
            self._wait_for(browser, ready, url)
            if click:
                self._evaluate(browser, "document.querySelector(%r).click()" % click)
                self._wait_for(browser, ready_after_click, click)
            if scroll:
                self._evaluate(
                    browser, "document.querySelector(%r).scrollIntoView()" % scroll
                )
            self._evaluate(browser, "new Promise((r) => setTimeout(r, %d))" % SETTLE_MS)
            shot = browser._websocket_request(
                "Page.captureScreenshot", params={"format": "png"}, timeout=60
            )
            png = base64.b64decode(shot["data"], validate=True)
        finally:
            browser.stop()
            self._wait_remaining_requests()
        self.assertTrue(png.startswith(b"\x89PNG"), "%s: not a PNG" % name)
        path = Path(self.out_dir) / ("%s.png" % name)
        path.write_bytes(png)
        self._logger.info("screenshot %s (%d bytes)", path, len(png))
        return path

    def _wait_for(self, browser, selector, what):
        ready = (
            "document.querySelector(%r) !== null && "
            "!document.querySelector('.o_loading_indicator, .o_blockUI')" % selector
        )
        self.assertTrue(
            browser._wait_ready(ready, timeout=90),
            "%s: %s never shown" % (what, selector),
        )

    # -- the data shown ------------------------------------------------------------

    def _ticket_through_the_flow(self):
        """A ticket with a deposit, its purchase order received with two serials."""
        order = self._create_quotation([(self.firewall, 2), (self.service, 1)])
        order.client_order_ref = "Firewall refresh"
        ticket = self._create_ticket(order)
        self._take_deposit(ticket, 1000.0, journal=self.bank_journal)
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "FW200-24A0117\nFW200-24A0118", ticket)
        return ticket

    def _ticket_waiting_for_serials(self):
        order = self._create_quotation([(self.switch, 2)], partner=self.customer_b)
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        return purchase.picking_ids

    # -- the screens ---------------------------------------------------------------

    def test_screenshots(self):
        ticket = self._ticket_through_the_flow()
        receipt = self._ticket_waiting_for_serials()
        self.env.flush_all()
        out = [
            self._shoot(
                "ticket_cockpit",
                "/odoo/helpdesk.ticket/%d" % ticket.id,
                ".o_form_view .o_form_sheet",
            )
        ]
        ticket.action_make_invoice()
        self.env.flush_all()
        out.append(
            self._shoot(
                "serial_entry",
                "/odoo/stock.picking/%d" % receipt.id,
                "button[name='action_open_serial_entry']",
                click="button[name='action_open_serial_entry']",
                ready_after_click=".modal .o_form_view",
            )
        )
        lot = ticket.lot_ids.sorted("name")[:1]
        out.append(
            self._shoot(
                "serial_history",
                "/odoo/stock.lot/%d" % lot.id,
                ".o_notebook_headers a[name='serial_history']",
                click=".o_notebook_headers a[name='serial_history']",
                ready_after_click=".o_notebook .tab-pane.active .o_field_widget",
                scroll=".o_notebook",
            )
        )
        out.append(
            self._shoot(
                "serial_enquiry",
                "/odoo/action-serial_procurement.stock_lot_action_enquiry",
                ".o_list_view .o_data_row",
            )
        )
        out.append(
            self._shoot(
                "sold_report",
                "/odoo/action-serial_procurement.serial_procurement_sold_report_action",
                ".o_list_renderer .o_data_row, .o_view_nocontent",
            )
        )
        # Procurement desk (issue #22): the queue by vendor, the shipment file.
        for partner, lines in (
            (self.customer, [(self.firewall, 3), (self.switch, 2)]),
            (self.customer_b, [(self.firewall, 1)]),
        ):
            self._create_ticket(self._create_quotation(lines, partner=partner))
        self.env.flush_all()
        out.append(
            self._shoot(
                "procurement_queue",
                "/odoo/action-serial_procurement.sale_order_line_procurement_action",
                ".o_list_view .o_group_header",
                click=".o_list_view .o_group_header",
                ready_after_click=".o_list_view .o_data_row",
            )
        )
        out.append(
            self._shoot(
                "shipment_import",
                "/odoo/stock.picking/%d" % receipt.id,
                "button[name='action_serial_import_shipment']",
                click="button[name='action_serial_import_shipment']",
                ready_after_click=".modal .o_form_view",
            )
        )
        self.assertEqual(len(out), 7)
