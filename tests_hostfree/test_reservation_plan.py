"""Which serials each pending delivery of an estimate reserves."""


def _plan(module, deliveries, serials, unavailable=()):
    plan = module.plan_reservation(
        [module.Delivery(*spec) for spec in deliveries], serials, unavailable
    )
    return {key: (res.keep, res.drop, res.add) for key, res in plan.items()}


def test_new_serials_fill_an_empty_delivery(reservation_plan):
    plan = _plan(reservation_plan, [("d1", 3)], ["A", "B", "C", "D"])
    assert plan == {"d1": ([], [], ["A", "B", "C"])}


def test_serials_of_another_estimate_are_released(reservation_plan):
    plan = _plan(reservation_plan, [("d1", 2, ["OLD-1", "OLD-2"])], ["NEW-1"])
    assert plan == {"d1": ([], ["OLD-1", "OLD-2"], ["NEW-1"])}


def test_serials_already_reserved_stay(reservation_plan):
    plan = _plan(reservation_plan, [("d1", 2, ["B", "X"])], ["A", "B"])
    assert plan == {"d1": (["B"], ["X"], ["A"])}


def test_two_deliveries_share_without_double_booking(reservation_plan):
    plan = _plan(
        reservation_plan,
        [("d1", 2, ["C"]), ("d2", 2, ["C", "D"])],
        ["A", "B", "C", "D"],
    )
    assert plan == {"d1": (["C"], [], ["A"]), "d2": (["D"], ["C"], ["B"])}


def test_picked_lines_take_room_and_are_not_touched(reservation_plan):
    plan = _plan(reservation_plan, [("d1", 3, ["X"], 2)], ["A", "B"])
    assert plan == {"d1": ([], ["X"], ["A"])}


def test_unavailable_serials_are_skipped(reservation_plan):
    plan = _plan(reservation_plan, [("d1", 2)], ["A", "B", "C"], unavailable={"A"})
    assert plan == {"d1": ([], [], ["B", "C"])}


def test_more_held_than_room_keeps_the_first(reservation_plan):
    plan = _plan(reservation_plan, [("d1", 1, ["A", "B"])], ["A", "B"])
    assert plan == {"d1": (["A"], ["B"], [])}


def test_no_serial_in_stock_leaves_deliveries_alone(reservation_plan):
    assert _plan(reservation_plan, [("d1", 2, ["OLD-1"])], []) == {}
