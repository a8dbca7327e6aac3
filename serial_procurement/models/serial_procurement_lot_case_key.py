# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

# Keys written on this many serials at once: the table's indexes are rebuilt.
REBUILD_AFTER_ROWS = 10000
# (product, company or 0, serial_name_key): "FW1" and "fw1" are one serial in a
# company that ignores case, enforced by the database.
CASE_INDEX = "stock_lot_serial_procurement_name_key_uniq"


class SerialProcurementLotCaseKey(models.AbstractModel):
    """The uniqueness key of a serial name: the name lower-cased where case is
    ignored, else the name as typed; unique per product and company in the
    database (``CASE_INDEX``).

    Case is ignored for a serial of a company whose setting "Serial numbers
    ignore case" is on; for a serial shared by all companies (no company) when
    any company has it on: a shared serial is the strictest company's serial.
    The key is lower-cased by PostgreSQL's ``lower()`` everywhere (compute,
    setting change, upgrade), so that it is the same whoever writes it."""

    _name = "serial.procurement.lot.case.key"
    _description = "Serial number uniqueness key"

    serial_name_key = fields.Char(
        string="Uniqueness Key",
        compute="_compute_serial_name_key",
        store=True,
        precompute=True,
        copy=False,
        help="The serial number as its uniqueness is checked: lower-cased when "
        "its company ignores case (a serial without company: when any company "
        "does), else as typed. Unique per product and company in the database.",
    )

    # ------------------------------------------------------------ the key

    @api.model
    def _serial_any_company_ignores_case(self):
        return bool(
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("serial_case_insensitive", "=", True)], limit=1)
        )

    @api.model
    def _serial_lower_names(self, names):
        """{name: lower(name)} by PostgreSQL, as the index and the SQL fill."""
        names = list({name for name in names if name})
        if not names:
            return {}
        self.env.cr.execute(
            SQL("SELECT n, lower(n) FROM unnest(%s::varchar[]) AS n", names)
        )
        return dict(self.env.cr.fetchall())

    @api.depends("name", "company_id")
    def _compute_serial_name_key(self):
        shared = None
        ignoring = self.browse()
        for lot in self:
            if lot.company_id:
                ignores = lot.company_id.sudo().serial_case_insensitive
            else:
                if shared is None:
                    shared = self._serial_any_company_ignores_case()
                ignores = shared
            if ignores:
                ignoring |= lot
        lowered = self._serial_lower_names(ignoring.mapped("name"))
        for lot in self:
            lot.serial_name_key = (
                lowered.get(lot.name) if lot in ignoring else lot.name
            ) or False

    def _serial_key_sql(self):
        """The key as an SQL expression over ``stock_lot`` aliased ``lot``."""
        cr = self.env.cr
        if not column_exists(cr, "res_company", "serial_case_insensitive"):
            # first install: no company ignores case yet
            return SQL("lot.name")
        cr.execute("SELECT bool_or(serial_case_insensitive) FROM res_company")
        shared = bool(cr.fetchone()[0])
        return SQL(
            "CASE WHEN COALESCE((SELECT c.serial_case_insensitive FROM res_company c"
            " WHERE c.id = lot.company_id), %s) THEN lower(lot.name) ELSE lot.name END",
            shared,
        )

    @api.model
    def _serial_fill_name_keys(self, companies=None, only_missing=False):
        """Write the key of the serials of ``companies`` (and the shared ones),
        of all serials when None, by one SQL statement; only rows whose key
        changes are written. Returns the number of serials updated.

        Keys pending computation are left to this statement: on upgrade (a new
        column) the ORM does not compute them again one by one."""
        self.env["stock.lot"].flush_model(["name", "company_id"])
        key = self._serial_key_sql()
        where = [SQL("lot.serial_name_key IS DISTINCT FROM %s", key)]
        if companies is not None:
            where.append(
                SQL(
                    "(lot.company_id IN %s OR lot.company_id IS NULL)",
                    tuple(companies.ids) or (0,),
                )
            )
        if only_missing:
            where.append(SQL("lot.serial_name_key IS NULL"))
        self.env.cr.execute(
            SQL(
                "UPDATE stock_lot lot SET serial_name_key = %s WHERE %s",
                key,
                SQL(" AND ").join(where),
            )
        )
        count = self.env.cr.rowcount
        self.env["stock.lot"].invalidate_model(["serial_name_key"], flush=False)
        field = self.env["stock.lot"]._fields["serial_name_key"]
        self.env.remove_to_compute(field, self.env.records_to_compute(field))
        return count

    @api.model
    def _serial_rebuild_indexes_after_fill(self, count):
        """After keys were written on a large share of the serials at once (the
        upgrade that adds the key), rebuild the table's indexes and statistics.
        Every row got a new version, and so a new entry in every index: core's
        trigram index of serial names comes out bloated, which made the Serial
        Enquiry by serial at 1,000,000 serials go from 6 ms to 11-35 ms until
        the index was rebuilt. The upgrade runs with Odoo stopped: REINDEX's
        lock on ``stock_lot`` only lasts until it ends."""
        if count < REBUILD_AFTER_ROWS:
            return False
        self.env.cr.execute(SQL("REINDEX TABLE stock_lot"))
        self.env.cr.execute(SQL("ANALYZE stock_lot"))
        _logger.info("stock.lot: %s uniqueness keys written; indexes rebuilt.", count)
        return True

    # ------------------------------------------------------------ the index

    def _serial_duplicate_keys(self, limit=50):
        """Rows (product id, company id, key, names) breaking the key's rule."""
        self.env.cr.execute(
            SQL(
                """SELECT product_id, company_id, serial_name_key,
                          array_agg(name ORDER BY name)
                     FROM stock_lot WHERE serial_name_key IS NOT NULL
                    GROUP BY product_id, company_id, serial_name_key
                   HAVING count(*) > 1 ORDER BY serial_name_key LIMIT %s""",
                limit,
            )
        )
        return self.env.cr.fetchall()

    def _serial_create_case_index(self):
        """Create the unique index of the keys, or report in the log the
        serials that prevent it (they must be renamed or merged first)."""
        return self._serial_create_reported_index(
            CASE_INDEX,
            "serial_name_key",
            self._serial_duplicate_keys,
            "serial name(s) differing only by case in a company that ignores "
            "case (product id, company id, key, names)",
        )

    @api.model
    def _serial_case_clashes(self, companies, limit=20):
        """[(product, name, other name)]: serials of ``companies`` (or shared)
        differing only by case, that ignoring case in ``companies`` would merge."""
        ids = tuple(companies.ids) or (0,)
        self.env["stock.lot"].flush_model(["name", "product_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT a.product_id, a.name, b.name FROM stock_lot a
                     JOIN stock_lot b ON b.product_id = a.product_id
                      AND lower(b.name) = lower(a.name) AND b.id > a.id
                    WHERE (a.company_id IN %s OR a.company_id IS NULL)
                      AND (b.company_id IN %s OR b.company_id IS NULL)
                      AND (a.company_id = b.company_id OR a.company_id IS NULL
                           OR b.company_id IS NULL)
                    ORDER BY a.name LIMIT %s""",
                ids,
                ids,
                limit,
            )
        )
        Product = self.env["product.product"].sudo()
        return [
            (Product.browse(product_id), name, other)
            for product_id, name, other in self.env.cr.fetchall()
        ]

    @api.model
    def _serial_check_case_clashes(self, companies):
        """Refuse to ignore case in ``companies`` while serials differing only
        by case exist there; nothing is written."""
        clashes = self._serial_case_clashes(companies)
        if clashes:
            raise UserError(
                self.env._(
                    "Serial numbers cannot ignore case in %(companies)s: these "
                    "serials differ only by case and would become one serial. "
                    "Rename or merge them first:\n%(lines)s",
                    companies=", ".join(companies.mapped("name")),
                    lines="\n".join(
                        f"{product.display_name}: {name} / {other}"
                        for product, name, other in clashes
                    ),
                )
            )

    @api.model
    def _serial_refill_keys_for(self, companies):
        """After the setting changed in ``companies``: their serials' keys (and
        the shared ones') follow it. A serial differing only by case created at
        the same moment by another user is refused by the index here."""
        self.env["stock.lot"].flush_model(["serial_name_key"])
        try:
            with self.env.cr.savepoint(flush=False):
                return self._serial_fill_name_keys(companies)
        except errors.UniqueViolation as error:
            raise UserError(
                self.env._(
                    "Serial numbers differing only by case were just created in "
                    "%(companies)s by another user: try again to see them.",
                    companies=", ".join(companies.mapped("name")),
                )
            ) from error

    # ------------------------------------------------------------ friendly check

    @api.constrains("name", "product_id", "company_id")
    def _check_serial_name_case_unique(self):
        """Where case is ignored, ``abc`` and ``ABC`` are one serial: the
        friendly message (the database's unique index of ``serial_name_key``
        stops what this check cannot see: another transaction)."""
        if not self.ids or not self._serial_any_company_ignores_case():
            return
        self.flush_model(["name", "product_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT lot.name, other.name FROM stock_lot lot
                   JOIN stock_lot other ON other.product_id = lot.product_id
                    AND lower(other.name) = lower(lot.name) AND other.id != lot.id
                    AND (other.company_id = lot.company_id
                         OR other.company_id IS NULL OR lot.company_id IS NULL)
                   LEFT JOIN res_company company
                     ON company.id = COALESCE(lot.company_id, other.company_id)
                  WHERE lot.id IN %s
                    AND COALESCE(company.serial_case_insensitive, TRUE)
                  LIMIT 10""",
                tuple(self.ids),
            )
        )
        clashes = self.env.cr.fetchall()
        if clashes:
            raise ValidationError(
                self.env._(
                    "Serial numbers differing only by case are the same serial in "
                    "this company: %(pairs)s.",
                    pairs=", ".join(f"{a} / {b}" for a, b in clashes),
                )
            )
