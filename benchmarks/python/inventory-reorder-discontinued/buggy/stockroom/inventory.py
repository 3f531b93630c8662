"""Track stock levels, shipments and reorders for a small warehouse."""

from __future__ import annotations

from dataclasses import dataclass


class UnknownItem(KeyError):
    """Raised when a SKU is not in the inventory."""


class InsufficientStock(ValueError):
    """Raised when a shipment asks for more units than are on hand."""


@dataclass
class Item:
    sku: str
    name: str
    quantity: int = 0
    reorder_point: int = 0
    unit_cost: float = 0.0
    discontinued: bool = False


class Inventory:
    """A collection of stock items keyed by SKU."""

    def __init__(self) -> None:
        self._items: dict[str, Item] = {}
        self.history: list[tuple[str, str, int]] = []

    def add_item(self, item: Item) -> None:
        if item.sku in self._items:
            raise ValueError(f"duplicate SKU {item.sku!r}")
        self._items[item.sku] = item

    def get(self, sku: str) -> Item:
        try:
            return self._items[sku]
        except KeyError:
            raise UnknownItem(sku) from None

    def receive(self, sku: str, quantity: int) -> int:
        """Add ``quantity`` units to stock and return the new level."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        item = self.get(sku)
        item.quantity += quantity
        self.history.append(("receive", sku, quantity))
        return item.quantity

    def ship(self, sku: str, quantity: int) -> int:
        """Remove ``quantity`` units from stock and return the new level."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        item = self.get(sku)
        if quantity > item.quantity:
            raise InsufficientStock(f"{sku}: requested {quantity}, on hand {item.quantity}")
        item.quantity -= quantity
        self.history.append(("ship", sku, quantity))
        return item.quantity

    def discontinue(self, sku: str) -> None:
        self.get(sku).discontinued = True

    def reorder_list(self) -> list[tuple[str, int]]:
        """(sku, units to order) for active items at or below their reorder point.

        Enough units are ordered to bring stock back up to twice the reorder point.
        """
        orders = []
        for item in sorted(self._items.values(), key=lambda i: i.sku):
            if item.quantity <= item.reorder_point:
                orders.append((item.sku, 2 * item.reorder_point - item.quantity))
        return orders

    def total_value(self) -> float:
        """Value of all stock on hand at unit cost, rounded to cents."""
        return round(sum(i.quantity * i.unit_cost for i in self._items.values()), 2)

    def __len__(self) -> int:
        return len(self._items)
