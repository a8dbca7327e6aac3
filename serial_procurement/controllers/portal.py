# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portal "My Devices" (issue #13): a customer's serials and service tickets."""

from collections import defaultdict

from odoo import Command, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class SerialDevicesPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "device_count" in counters:
            lots = request.env["stock.lot"]
            values["device_count"] = (
                lots.search_count(self._serial_devices_domain())
                if lots.has_access("read")
                else 0
            )
        return values

    def _serial_devices_domain(self):
        """Serials last delivered to the user's company; the record rule on
        stock.lot keeps a portal user to these anyway."""
        customer = request.env.user.partner_id.commercial_partner_id
        return [("delivered_partner_id", "=", customer.id)]

    def _serial_open_tickets_by_lot(self, lots):
        """{lot id: open service tickets the user may read}."""
        tickets = request.env["helpdesk.ticket"].search(
            [("service_lot_ids", "in", lots.ids), ("stage_id.closed", "=", False)]
        )
        by_lot = defaultdict(lambda: request.env["helpdesk.ticket"])
        for ticket in tickets:
            for lot in ticket.sudo().service_lot_ids & lots:
                by_lot[lot.id] |= ticket
        return by_lot

    @http.route(
        ["/my/devices", "/my/devices/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_devices(self, page=1, **kw):
        lots = request.env["stock.lot"]
        domain = self._serial_devices_domain()
        pager = portal_pager(
            url="/my/devices",
            total=lots.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        # searched as the user: record rules decide what is listed
        devices = lots.search(
            domain,
            order="serial_sold_date desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo only to display product names and dates of readable serials
                "devices": devices.sudo(),
                "open_tickets": self._serial_open_tickets_by_lot(devices),
                "ticket_created": kw.get("ticket_created"),
                "page_name": "devices",
                "pager": pager,
                "default_url": "/my/devices",
            }
        )
        return request.render("serial_procurement.portal_my_devices", values)

    @http.route(
        "/my/devices/<int:lot_id>/ticket",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_device_ticket(self, lot_id, **kw):
        try:
            lot_sudo = self._document_check_access("stock.lot", lot_id)
        except (AccessError, MissingError):
            return request.redirect("/my/devices")
        if not lot_sudo.serial_at_customer:
            # a device returned to us: a problem is reported on the devices the
            # customer still has
            return request.redirect("/my/devices")
        if request.httprequest.method == "POST" and kw.get("description"):
            ticket = self._serial_create_service_ticket(lot_sudo, kw)
            return request.redirect(f"/my/devices?ticket_created={ticket.id}")
        values = self._prepare_portal_layout_values()
        values.update({"device": lot_sudo, "page_name": "devices"})
        return request.render("serial_procurement.portal_device_ticket", values)

    def _serial_create_service_ticket(self, lot_sudo, kw):
        partner = request.env.user.partner_id
        channel = request.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web", False)
        vals = {
            "name": kw.get("subject")
            or request.env._("Service request for %(serial)s", serial=lot_sudo.name),
            "description": plaintext2html(kw.get("description") or ""),
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "service_lot_ids": [Command.set(lot_sudo.ids)],
            "channel_id": channel.id if channel else False,
            "company_id": lot_sudo.company_id.id or request.env.company.id,
        }
        # sudo: portal users may not create tickets; helpdesk_mgmt's own portal
        # form creates them the same way. The serial was checked readable above
        # and the ticket's constraint refuses another customer's serial.
        ticket = request.env["helpdesk.ticket"].sudo().create(vals)
        ticket.message_subscribe(partner_ids=partner.ids)
        return ticket
