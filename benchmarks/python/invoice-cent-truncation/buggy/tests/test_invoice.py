import pytest

from invoicing.invoice import Invoice, LineItem
from invoicing.money import format_cents, parse_amount


def test_parse_amount():
    assert parse_amount("$1,234.5") == 123450
    assert parse_amount("0.005") == 1
    with pytest.raises(ValueError):
        parse_amount("twelve")


def test_format_cents():
    assert format_cents(123456) == "$1,234.56"
    assert format_cents(-100) == "-$1.00"


def test_whole_quantities():
    invoice = Invoice("ACME")
    invoice.add("widget", 250, 4)
    invoice.add("gadget", 1000)
    assert invoice.subtotal == 2000
    assert invoice.total == 2000


def test_fractional_quantity_rounds_to_nearest_cent():
    assert LineItem("consulting", 1999, 0.3).total == 600


def test_discount_rounds_to_nearest_cent():
    invoice = Invoice("ACME", discount_percent=15)
    invoice.add("license", 9999)
    assert invoice.discount == 1500
    assert invoice.taxable == 8499


def test_tax_rounds_to_nearest_cent():
    invoice = Invoice("ACME", tax_rate=0.0825)
    invoice.add("book", 1999)
    assert invoice.tax == 165
    assert invoice.total == 2164


def test_empty_invoice():
    invoice = Invoice("ACME", tax_rate=0.2, discount_percent=10)
    assert invoice.is_empty()
    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (0, 0, 0, 0)


def test_negative_price_rejected():
    with pytest.raises(ValueError):
        LineItem("refund", -5)


def test_render_lists_items_and_total():
    invoice = Invoice("ACME", tax_rate=0.1)
    invoice.add("widget", 250, 4)
    text = invoice.render()
    assert text.splitlines()[0] == "Invoice for ACME"
    assert "widget" in text
    assert text.splitlines()[-1].endswith("$11.00")
