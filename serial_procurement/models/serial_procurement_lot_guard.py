# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, sql

from ..tools import serial_parser
from .serial_procurement_lot_case_key import CASE_INDEX

_logger = logging.getLogger(__name__)

# (product, company or 0, name): the host's rule for lots, enforced by the database.
UNIQUE_INDEX = "stock_lot_serial_procurement_name_uniq"
# Exact serial names, whatever the product: the lookups of a list of serials.
NAME_INDEX = "stock_lot_serial_procurement_name_idx"
# Precommit data: ids of reserved serials written off in this transaction.
LOSSES_KEY = "serial_procurement.reserved_losses"


class SerialProcurementLotGuard(models.AbstractModel):
    """What protects a serial (``stock.lot``): one checked name, one serial per
    name, product and company in the database, one customer invoice at a time,
    and its ticket's reservation."""

    _name = "serial.procurement.lot.guard"
    _description = "Serial number guards"

    customer_invoice_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Invoiced On",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The posted customer invoice line that bills this serial; cleared by "
        "a credit note or when the invoice returns to draft. Written on posting, "
        "so that two invoices posted at the same moment cannot both bill it.",
    )

    # ------------------------------------------------------------ names

    @api.model
    def _serial_entry_error(self, error):
        """A refusal of the serial parser as a translated UserError."""
        params = error.params
        messages = {
            "empty": self.env._("Enter at least one serial number."),
            "not_text": self.env._("A serial number must be text."),
            "duplicate": self.env._(
                "The same serial number is entered twice: %(serials)s.",
                serials=params.get("serials"),
            ),
            "too_many": self.env._(
                "%(count)s serial numbers entered but only %(remaining)s unit(s) "
                "remain to receive.",
                count=params.get("count"),
                remaining=params.get("remaining"),
            ),
            "control": self.env._(
                "The serial number %(serial)s contains a control character "
                "(%(char)s): it cannot be stored.",
                serial=params.get("serial"),
                char=params.get("char"),
            ),
            "invisible": self.env._(
                "The serial number %(serial)s contains an invisible character "
                "(%(char)s): retype it.",
                serial=params.get("serial"),
                char=params.get("char"),
            ),
            "too_long": self.env._(
                "The serial number %(serial)s is %(length)s characters long; "
                "the maximum is %(max)s.",
                serial=params.get("serial"),
                length=params.get("length"),
                max=params.get("max"),
            ),
        }
        return UserError(messages[error.code])

    @api.model
    def _serial_clean_name(self, name):
        """The one check of a serial name, for every entry path: trimmed, NFC,
        no control or invisible character, at most 64 characters."""
        try:
            return serial_parser.normalize_serial(name)
        except serial_parser.SerialEntryError as error:
            raise self._serial_entry_error(error) from error

    @api.model
    def _serial_parse_entry(self, text, max_count=None, company=None):
        """Serials typed, pasted or scanned, split and checked by the shared
        parser; a refusal becomes a translated UserError."""
        company = company or self.env.company
        try:
            return serial_parser.parse_serial_entry(
                text, max_count, case_insensitive=company.serial_case_insensitive
            )
        except serial_parser.SerialEntryError as error:
            raise self._serial_entry_error(error) from error

    def _serial_warn_confusables(self):
        """Note on the serial when its letters mix scripts (Cyrillic А beside
        Latin A): accepted, but flagged to investigate."""
        for lot in self:
            scripts = serial_parser.confusable_scripts(lot.name or "")
            if scripts:
                lot.needs_review = True
                lot.message_post(
                    body=self.env._(
                        "Serial %(serial)s mixes look-alike characters of several "
                        "scripts (%(scripts)s): check it against the label.",
                        serial=lot.name,
                        scripts=", ".join(scripts),
                    )
                )

    # ------------------------------------------------ database uniqueness

    def _serial_duplicate_names(self, limit=50):
        """Rows (product id, company id, name, count) breaking the unique rule."""
        self.env.cr.execute(
            SQL(
                """SELECT product_id, company_id, name, count(*) FROM stock_lot
                   GROUP BY product_id, company_id, name HAVING count(*) > 1
                   ORDER BY name LIMIT %s""",
                limit,
            )
        )
        return self.env.cr.fetchall()

    def _serial_create_unique_index(self):
        """Create the unique index of serial names, or report in the log the
        duplicates that prevent it (they must be renamed or merged first)."""
        return self._serial_create_reported_index(
            UNIQUE_INDEX,
            "name",
            self._serial_duplicate_names,
            "duplicate serial name(s) (product id, company id, name, count)",
        )

    def _serial_create_reported_index(self, index, column, find_duplicates, what):
        """Create the unique index ``index`` on (product, company, ``column``) of
        serials, unless it exists. When rows break it, log them (the first 50,
        from ``find_duplicates()``: ``what`` they are) instead, and return
        False: they must be renamed or merged, then the addon upgraded again."""
        if sql.index_exists(self.env.cr, index):
            return True
        duplicates = find_duplicates()
        if duplicates:
            _logger.warning(
                "stock.lot: unique index %s NOT created: %s %s: %s. Rename or merge "
                "them, then upgrade serial_procurement again.",
                index,
                len(duplicates),
                what,
                duplicates,
            )
            return False
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON stock_lot "
                "(product_id, COALESCE(company_id, 0), %s)",
                SQL.identifier(index),
                SQL.identifier(column),
            )
        )
        return True

    def _serial_create_name_index(self):
        """A plain index on serial names: core indexes ``stock.lot.name`` for
        partial matches only (trigram), which cannot find a list of exact
        serials (count sheets, serial entry, the enquiry) without reading the
        whole table."""
        sql.create_index(self.env.cr, NAME_INDEX, "stock_lot", ['"name"'])

    def _serial_unique_violation(self, error, vals_list):
        """The clear error of a serial created twice at the same moment (or
        twice differing only by case where case is ignored)."""
        names = ", ".join(str(vals.get("name")) for vals in vals_list[:10])
        if error.diag.constraint_name == CASE_INDEX:
            return ValidationError(
                self.env._(
                    "Serial number(s) %(names)s already exist for this product and "
                    "company: serial numbers differing only by case are the same "
                    "serial here (another user may have just entered them). Reload "
                    "and check the serials.",
                    names=names,
                )
            )
        return ValidationError(
            self.env._(
                "Serial number(s) %(names)s already exist for this product and "
                "company (another user may have just received them). Reload and "
                "check the serials.",
                names=names,
            )
        )

    # ------------------------------------------------ ticket reservation

    def _serial_touch_rows(self):
        """Write a new version of these serials' rows, unchanged. Of two
        transactions handing the same serial at the same moment (one reserving
        it for a ticket, the other delivering or writing it off), the second
        fails here or on its own write (PostgreSQL serialization failure,
        retried by Odoo) and its retry sees what the first one committed."""
        if self.ids:
            self.env.cr.execute(
                SQL("UPDATE stock_lot SET id = id WHERE id IN %s", tuple(self.ids))
            )

    def _serial_reserved(self):
        """These serials still reserved for their ticket: on a ticket and not
        yet delivered on it. A serial delivered on its ticket is its customer's;
        if it comes back (a return), it is no longer held for the ticket."""
        lots = self.filtered("ticket_id")
        if not lots:
            return lots
        # sudo: the rule holds whatever the user may read
        delivered = (
            self.env["stock.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("lot_id", "in", lots.ids),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "customer"),
                    ("move_id.ticket_id", "in", lots.ticket_id.ids),
                ],
                ["lot_id", "move_id"],
            )
        )
        done = {(ml.lot_id.id, ml.move_id.ticket_id.id) for ml in delivered}
        return lots.filtered(lambda lot: (lot.id, lot.ticket_id.id) not in done)

    def _check_ticket_reservation(self, ticket=None):
        """Refuse to let ``ticket`` (or no ticket: another customer's delivery,
        another estimate) take serials reserved for another ticket. Every path
        that hands a serial to someone calls this; a manager releases a serial
        first (``action_release_ticket``). The serials' rows are touched first:
        a reservation committed meanwhile by another user makes this
        transaction fail and be retried, never pass unseen."""
        self._serial_touch_rows()
        taken = self._serial_reserved().filtered(lambda lot: lot.ticket_id != ticket)
        if taken:
            raise UserError(
                self.env._(
                    "These serials are reserved for another ticket: %(lines)s. A "
                    "Serial Procurement Manager must release them from their ticket "
                    "first.",
                    lines=", ".join(
                        f"{lot.name} ({lot.ticket_id.sudo().display_name})"
                        for lot in taken[:20]
                    ),
                )
            )

    @api.model
    def _serial_check_reserved_leaving(self, move_lines):
        """The rule for serials reserved for a ticket on the other ways out of
        stock: a reserved serial leaves the company's stock only to its
        ticket's customer (the delivery check above). Refused: a scrap, a return
        to a vendor (to a supplier location), and an inventory adjustment that
        writes it off (to an inventory loss location) unless the serial is on
        hand in an internal location at commit (a count sheet moving it between
        shelves). Allowed: moves between internal locations, to transit, to
        production. A Serial Procurement Manager releases the serial first
        (``action_release_ticket``). ``move_lines``: lines being done."""
        lines = move_lines.filtered(
            lambda ml: (
                ml.lot_id
                and ml.quantity > 0
                and ml.location_id.usage in ("internal", "transit")
                and ml.location_dest_id.usage in ("supplier", "inventory")
            )
        )
        if not lines:
            return
        lines.lot_id._serial_touch_rows()
        reserved = lines.lot_id._serial_reserved()
        lines = lines.filtered(lambda ml: ml.lot_id in reserved)
        losses = lines.filtered(
            lambda ml: (
                ml.location_dest_id.usage == "inventory"
                and not ml.location_dest_id.scrap_location
            )
        )
        refused = lines - losses
        if refused:
            raise UserError(
                self.env._(
                    "These serials are reserved for a ticket and cannot be scrapped "
                    "or returned to a vendor: %(lines)s. A Serial Procurement "
                    "Manager must release them from their ticket first.",
                    lines=", ".join(
                        f"{ml.lot_id.name} ({ml.lot_id.ticket_id.sudo().display_name}"
                        f" -> {ml.location_dest_id.display_name})"
                        for ml in refused[:20]
                    ),
                )
            )
        losses.lot_id._serial_check_on_hand_at_commit()

    def _serial_check_on_hand_at_commit(self):
        """Check, just before the transaction commits, that these reserved
        serials written off somewhere are still on hand elsewhere."""
        pending = self.env.cr.precommit.data.setdefault(LOSSES_KEY, set())
        if not pending:
            self.env.cr.precommit.add(self.browse()._serial_check_reserved_losses)
        pending.update(self.ids)

    def _serial_check_reserved_losses(self):
        """Precommit: refuse the transaction that wrote off a reserved serial
        that is on hand nowhere any more; nothing is written."""
        lots = self.browse(self.env.cr.precommit.data.pop(LOSSES_KEY, ())).exists()
        on_hand = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("lot_id", "in", lots.ids),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ],
                ["lot_id"],
            )
            .lot_id
        )
        lost = lots.filtered(lambda lot: lot not in on_hand)._serial_reserved()
        if lost:
            raise UserError(
                self.env._(
                    "These serials are reserved for a ticket and cannot be written "
                    "off by an inventory adjustment: %(lines)s. Count them where "
                    "they are, or have a Serial Procurement Manager release them "
                    "from their ticket first.",
                    lines=", ".join(
                        f"{lot.name} ({lot.ticket_id.sudo().display_name})"
                        for lot in lost[:20]
                    ),
                )
            )

    def action_release_ticket(self):
        """Manager only: free serials from their ticket (logged on the ticket)."""
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Serial Procurement Manager may release a serial from "
                    "its ticket."
                )
            )
        for lot in self.filtered("ticket_id"):
            ticket = lot.ticket_id
            if lot.customer_invoice_line_id:
                raise UserError(
                    self.env._(
                        "Serial %(serial)s is invoiced on %(invoice)s: issue a "
                        "credit note before releasing it.",
                        serial=lot.name,
                        invoice=lot.customer_invoice_line_id.move_id.name,
                    )
                )
            lot.write({"ticket_id": False, "sale_line_id": False})
            ticket.message_post(
                body=self.env._(
                    "Serial %(serial)s released from this ticket by %(user)s.",
                    serial=lot.name,
                    user=self.env.user.name,
                )
            )
        return True

    # ------------------------------------------------ one invoice per serial

    def _serial_check_not_invoiced(self, lines):
        """Refuse serials already billed by another posted customer invoice."""
        taken = self.filtered(
            lambda lot: (
                lot.customer_invoice_line_id
                and lot.customer_invoice_line_id not in lines
                and lot.customer_invoice_line_id.parent_state == "posted"
            )
        )
        if taken:
            raise UserError(
                self.env._(
                    "Serials already invoiced to a customer: %(lines)s. Issue a "
                    "credit note for the first invoice before invoicing them again.",
                    lines=", ".join(
                        f"{lot.name} ({lot.customer_invoice_line_id.move_id.name})"
                        for lot in taken[:20]
                    ),
                )
            )
