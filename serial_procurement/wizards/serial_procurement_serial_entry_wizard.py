# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import serial_parser, singleton


class SerialProcurementSerialEntryWizard(models.TransientModel):
    _name = "serial.procurement.serial.entry.wizard"
    _inherit = ["serial.procurement.input.guard"]
    _description = "Enter Serial Numbers on a Receipt"

    move_id = fields.Many2one(
        comodel_name="stock.move", required=True, ondelete="cascade"
    )
    picking_id = fields.Many2one(related="move_id.picking_id")
    product_id = fields.Many2one(related="move_id.product_id")
    company_id = fields.Many2one(related="move_id.company_id")
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Receive onto Ticket",
        compute="_compute_ticket_id",
        store=True,
        readonly=False,
        domain="[('company_id', 'in', (company_id, False))]",
    )
    remaining_qty = fields.Integer(
        string="Units without a serial", compute="_compute_remaining_qty"
    )
    serials = fields.Text(
        string="Serial Numbers",
        help="Type, paste or scan: one serial per line (a scanner's Enter starts a "
        "new line), or separated by commas, semicolons or tabs.",
    )
    serial_count = fields.Integer(
        compute="_compute_serial_count",
        help="Distinct serial numbers entered so far.",
    )
    serial_warning = fields.Text(
        compute="_compute_serial_count",
        help="What would be refused on Add Serials: duplicates, more serials "
        "than units, serials already received or entered.",
    )

    @api.depends("move_id")
    def _compute_ticket_id(self):
        for wizard in self:
            wizard.ticket_id = wizard.move_id.purchase_line_id.ticket_id

    @api.depends("move_id")
    def _compute_remaining_qty(self):
        for wizard in self:
            wizard.remaining_qty = wizard.move_id._serial_units_without_serial()

    @api.depends("serials", "remaining_qty")
    def _compute_serial_count(self):
        for wizard in self:
            serials = serial_parser.split_serials(wizard.serials)
            ignore_case = wizard.move_id.company_id.serial_case_insensitive
            first = {}
            for serial in serials:
                first.setdefault(serial_parser.serial_key(serial, ignore_case), serial)
            distinct = list(first.values())
            wizard.serial_count = len(distinct)
            wizard.serial_warning = "\n".join(wizard._serial_entry_warnings(distinct))

    def _serial_entry_warnings(self, distinct):
        """Warnings on the entry as typed, before it is submitted."""
        self.ensure_one()
        warnings = []
        serials = serial_parser.split_serials(self.serials)
        duplicates = serial_parser.find_duplicates(serials)
        if self.move_id.company_id.serial_case_insensitive:
            keys = [serial_parser.serial_key(s, True) for s in serials]
            twice = set(serial_parser.find_duplicates(keys))
            duplicates = list(
                dict.fromkeys(
                    s for s, k in zip(serials, keys, strict=True) if k in twice
                )
            )
        if duplicates:
            warnings.append(
                _("Entered twice: %(serials)s.", serials=", ".join(duplicates))
            )
        if self.move_id and len(distinct) > self.remaining_qty:
            warnings.append(
                _(
                    "%(count)s serial numbers for %(remaining)s unit(s) without a "
                    "serial.",
                    count=len(distinct),
                    remaining=self.remaining_qty,
                )
            )
        clashes = self._serial_known_clashes(distinct) if self.move_id else []
        if clashes:
            warnings.append(
                _(
                    "Already received or entered: %(serials)s.",
                    serials=", ".join(clashes),
                )
            )
        return warnings

    def _parse_serials(self):
        self.ensure_one()
        return self.env["stock.lot"]._serial_parse_entry(
            self.serials, self.remaining_qty, company=self.move_id.company_id
        )

    def _serial_known_clashes(self, serials):
        """The serials already on this receipt or already on hand for the
        product (a serial known but on hand nowhere is received again); their
        case variants too when the company ignores case ("usw24-0003" is
        USW24-0003), each as typed and, when it differs, as known."""
        move = self.move_id
        ignore_case = move.company_id.serial_case_insensitive

        def key(name):
            return serial_parser.serial_key(name, ignore_case)

        known = {
            key(name): name
            for name in move.picking_id.move_line_ids.filtered(
                lambda ml: ml.product_id == move.product_id
            ).mapped(lambda ml: ml.lot_name or ml.lot_id.name)
            if name
        }
        for name in (
            self.env["stock.lot"]
            ._serial_find(move.product_id, serials, move.company_id)
            ._serial_on_hand_internal()
            .mapped("name")
        ):
            known[key(name)] = name
        return [
            serial
            if known[key(serial)] == serial
            else f"{serial} ({known[key(serial)]})"
            for serial in serials
            if key(serial) in known
        ]

    def _check_against_move(self, serials):
        """Refuse serials already on this receipt or already known for the product."""
        clashes = self._serial_known_clashes(serials)
        if clashes:
            raise UserError(
                _(
                    "These serial numbers are already received or entered: "
                    "%(serials)s.",
                    serials=", ".join(clashes),
                )
            )

    def action_apply(self):
        """Add one receipt line per serial, building on core's serial import."""
        singleton.ensure_one(self)
        move = self.move_id
        if move.state in ("done", "cancel"):
            raise UserError(_("This receipt line is already done or cancelled."))
        if move.has_tracking != "serial":
            raise UserError(
                _(
                    "%(product)s is not tracked by unique serial number.",
                    product=move.product_id.display_name,
                )
            )
        ticket = self.ticket_id
        if ticket and ticket.company_id not in (
            move.company_id,
            self.env["res.company"],
        ):
            raise UserError(
                _(
                    "The ticket %(ticket)s belongs to another company than this "
                    "receipt.",
                    ticket=ticket.sudo().display_name,
                )
            )
        ticket._check_can_receive_serials()
        serials = self._parse_serials()
        self._check_against_move(serials)
        move._serial_add_move_lines(serials, self.ticket_id)
        return {"type": "ir.actions.act_window_close"}
