"""Invoice arithmetic.

Prices are stored in integer cents. Quantities may be fractional (hours,
kilograms), and discounts and taxes are given as percentages or rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from invoicing.money import format_cents


@dataclass(frozen=True)
class LineItem:
    description: str
    unit_price: int
    quantity: float = 1

    def __post_init__(self) -> None:
        if self.unit_price < 0 or self.quantity < 0:
            raise ValueError("price and quantity must be non-negative")

    @property
    def total(self) -> int:
        """Line amount in cents."""
        return int(self.unit_price * self.quantity)


@dataclass
class Invoice:
    customer: str
    tax_rate: float = 0.0
    discount_percent: float = 0.0
    lines: list[LineItem] = field(default_factory=list)

    def add(self, description: str, unit_price: int, quantity: float = 1) -> LineItem:
        item = LineItem(description, unit_price, quantity)
        self.lines.append(item)
        return item

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def discount(self) -> int:
        """Discount in cents, applied to the subtotal."""
        return int(self.subtotal * self.discount_percent / 100)

    @property
    def taxable(self) -> int:
        """Amount the tax is charged on: the subtotal after discount."""
        return self.subtotal - self.discount

    def is_empty(self) -> bool:
        return not self.lines

    @property
    def tax(self) -> int:
        """Sales tax in cents."""
        return int(self.taxable * self.tax_rate)

    @property
    def total(self) -> int:
        return self.taxable + self.tax

    def render(self) -> str:
        """A plain-text invoice, one line per item followed by the totals."""
        rows = [f"Invoice for {self.customer}"]
        for line in self.lines:
            rows.append(f"  {line.description:<20} {line.quantity:>6g} x "
                        f"{format_cents(line.unit_price):>10} = {format_cents(line.total):>10}")
        rows.append(f"  {'Subtotal':<42}{format_cents(self.subtotal):>10}")
        if self.discount:
            rows.append(f"  {'Discount':<42}{format_cents(-self.discount):>10}")
        if self.tax:
            rows.append(f"  {'Tax':<42}{format_cents(self.tax):>10}")
        rows.append(f"  {'Total':<42}{format_cents(self.total):>10}")
        return "\n".join(rows)
