import pytest


@pytest.mark.parametrize(
    "args, expected",
    [
        ((None, 100.0, 0.0, False), "no"),
        ((False, 100.0, 0.0, False), "no"),
        (("cancel", 100.0, 50.0, False), "no"),
        (("sale", 0.0, 0.0, True), "no"),
        (("sale", -5.0, 0.0, False), "no"),
        (("sale", 100.0, 100.0, True), "invoiced"),
        (("sale", 100.0, 30.0, True), "invoiced"),
        (("sale", 100.0, 30.0, False), "partial"),
        (("draft", 100.0, 10.0, False), "partial"),
        (("sale", 100.0, 0.0, False), "to_invoice"),
        (("sale", 100.0, 0.0, True), "to_invoice"),
        (("sale", 100.0, -20.0, False), "to_invoice"),
        (("draft", 100.0, 0.0, False), "to_invoice"),
    ],
)
def test_billing_status(billing, args, expected):
    assert billing.billing_status(*args) == expected


def test_billing_statuses_cover_constants(billing):
    keys = [key for key, _label in billing.BILLING_STATUSES]
    assert keys == [
        billing.BILLING_NO,
        billing.BILLING_TO_INVOICE,
        billing.BILLING_PARTIAL,
        billing.BILLING_INVOICED,
    ]


@pytest.mark.parametrize(
    "amount_type, amount, total, expected",
    [
        ("fixed", 250.0, 1000.0, 250.0),
        ("percentage", 30, 1000.0, 300.0),
        ("percentage", 100, 1234.56, 1234.56),
        ("percentage", 33.333, 100.0, 33.33),
        ("percentage", 12.5, 99.99, 12.5),
        ("percentage", 10, 0.05, 0.01),
    ],
)
def test_deposit_amount(billing, amount_type, amount, total, expected):
    assert billing.deposit_amount(amount_type, amount, total) == pytest.approx(expected)


def test_check_deposit_fixed(billing):
    assert billing.check_deposit("fixed", 400.0, 1000.0, 0.0) == 400.0
    assert billing.check_deposit("fixed", 600.0, 1000.0, 400.0) == 600.0


def test_check_deposit_percentage(billing):
    assert billing.check_deposit("percentage", 25, 1200.0, 0.0) == 300.0
    assert billing.check_deposit("percentage", 100, 1200.0, 0.0) == 1200.0


@pytest.mark.parametrize("amount", [0, 0.0, -1.0, None])
def test_check_deposit_not_positive(billing, amount):
    with pytest.raises(billing.DepositError) as info:
        billing.check_deposit("fixed", amount, 1000.0, 0.0)
    assert info.value.code == "not_positive"


def test_check_deposit_percentage_over_100(billing):
    with pytest.raises(billing.DepositError) as info:
        billing.check_deposit("percentage", 100.5, 1000.0, 0.0)
    assert info.value.code == "percentage"


def test_fixed_over_100_is_not_a_percentage_error(billing):
    assert billing.check_deposit("fixed", 150.0, 1000.0, 0.0) == 150.0


@pytest.mark.parametrize(
    "amount_type, amount, deposited",
    [
        ("fixed", 1000.01, 0.0),
        ("fixed", 600.0, 500.0),
        ("percentage", 60, 500.0),
        ("fixed", 0.01, 1000.0),
    ],
)
def test_check_deposit_exceeds(billing, amount_type, amount, deposited):
    with pytest.raises(billing.DepositError) as info:
        billing.check_deposit(amount_type, amount, 1000.0, deposited)
    assert info.value.code == "exceeds"
    assert "exceed the order total of 1000.00" in str(info.value)


def test_check_deposit_rounding_tolerance(billing):
    # within half the rounding: accepted (float noise of earlier deposits)
    assert billing.check_deposit("fixed", 500.004, 1000.0, 500.0) == 500.004
    # one full cent over: refused
    with pytest.raises(billing.DepositError):
        billing.check_deposit("fixed", 500.01, 1000.0, 500.0)
    # a coarser currency rounding widens the tolerance
    assert billing.check_deposit("fixed", 500.4, 1000.0, 500.0, rounding=1.0) == 500.4


def test_check_deposit_float_sum(billing):
    # 0.1 + 0.2 != 0.3 in floats; the tolerance accepts it
    assert billing.check_deposit("fixed", 0.2, 0.3, 0.1) == 0.2


def test_deposit_error_is_value_error(billing):
    assert issubclass(billing.DepositError, ValueError)
