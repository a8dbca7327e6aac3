# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which serials each pending delivery of an estimate reserves (pure logic).

The deliveries of one estimate and one product (usually one, several after a
partial delivery) share that estimate's serials in stock. Every delivery ends
holding only serials of its estimate, as many as it still needs:

- a serial of the estimate a delivery already reserves stays where it is;
- a picked line (someone scanned it) is never touched and takes room;
- a reserved serial of another estimate (or of none) is released;
- the estimate's free serials fill the room left, in the order given.

Nothing here knows Odoo: serials and deliveries are any hashable keys.
"""

from dataclasses import dataclass, field


@dataclass
class Delivery:
    """One pending delivery move: ``key``, the units it needs (``capacity``),
    the serials reserved on its unpicked lines (``held``) and the number of its
    picked lines (``picked``)."""

    key: object
    capacity: int
    held: list = field(default_factory=list)
    picked: int = 0


@dataclass
class Reservation:
    """What to do on one delivery: ``keep`` its lines of these serials, ``drop``
    its lines of these serials, ``add`` one line per serial."""

    keep: list = field(default_factory=list)
    drop: list = field(default_factory=list)
    add: list = field(default_factory=list)


def plan_reservation(deliveries, serials, unavailable=()):
    """Return {delivery key: Reservation} for ``deliveries`` (list of
    ``Delivery``, in priority order) sharing ``serials`` (the estimate's
    serials in stock, in the order to take them). ``unavailable`` serials
    (picked on another transfer) are never added. Without any serial of the
    estimate in stock there is nothing to plan: the deliveries are left alone."""
    if not serials:
        return {}
    wanted = set(serials)
    taken = set()
    plan = {}
    for delivery in deliveries:
        room = max(delivery.capacity - delivery.picked, 0)
        keep, kept = [], set()
        for serial in delivery.held:
            if serial in wanted and serial not in taken and len(keep) < room:
                keep.append(serial)
                kept.add(serial)
                taken.add(serial)
        # (a set: a delivery of 50,000 serials holds 50,000 lines)
        drop = [serial for serial in delivery.held if serial not in kept]
        plan[delivery.key] = Reservation(keep=keep, drop=drop)
    blocked = set(unavailable)
    free = [s for s in serials if s not in taken and s not in blocked]
    for delivery in deliveries:
        reservation = plan[delivery.key]
        room = max(delivery.capacity - delivery.picked - len(reservation.keep), 0)
        reservation.add, free = free[:room], free[room:]
    return plan
