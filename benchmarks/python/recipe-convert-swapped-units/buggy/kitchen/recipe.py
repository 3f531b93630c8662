"""Ingredients, recipes and merged shopping lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kitchen.units import canonical, convert, dimension

_LINE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?|\d+/\d+)\s+(?:([A-Za-z]+)\s+)?(.+?)\s*$")


@dataclass(frozen=True)
class Ingredient:
    name: str
    quantity: float
    unit: str = "pc"

    def scaled(self, factor: float) -> Ingredient:
        return Ingredient(self.name, self.quantity * factor, self.unit)

    def to(self, unit: str) -> Ingredient:
        """The same amount expressed in ``unit``."""
        unit = canonical(unit)
        return Ingredient(self.name, convert(self.quantity, unit, self.unit), unit)

    def __str__(self) -> str:
        amount = f"{self.quantity:g}" if self.quantity == int(self.quantity) else f"{self.quantity:.2f}"
        return f"{amount} {self.unit} {self.name}"


def _number(text: str) -> float:
    if "/" in text:
        num, den = text.split("/")
        return int(num) / int(den)
    return float(text)


def parse_ingredient(line: str) -> Ingredient:
    """Parse lines such as "200 g flour", "1/2 cup milk" or "3 eggs"."""
    match = _LINE_RE.match(line)
    if not match:
        raise ValueError(f"cannot parse ingredient: {line!r}")
    amount, unit, name = match.groups()
    if unit is not None:
        try:
            dimension(unit)
        except ValueError:
            # Not a unit after all: "3 large eggs".
            name, unit = f"{unit} {name}", None
    return Ingredient(name.lower(), _number(amount), canonical(unit) if unit else "pc")


@dataclass
class Recipe:
    title: str
    servings: int
    ingredients: list[Ingredient] = field(default_factory=list)

    def scale_to(self, servings: int) -> Recipe:
        if servings < 1:
            raise ValueError("servings must be at least 1")
        factor = servings / self.servings
        return Recipe(self.title, servings, [i.scaled(factor) for i in self.ingredients])

    def in_unit(self, unit: str) -> Recipe:
        """Convert every ingredient that can be expressed in ``unit``."""
        target = dimension(unit)
        converted = [i.to(unit) if dimension(i.unit) == target else i for i in self.ingredients]
        return Recipe(self.title, self.servings, converted)


def shopping_list(recipes: Iterable[Recipe]) -> list[Ingredient]:
    """Merge the ingredients of several recipes, summing amounts of the same item.

    Amounts are added up in the unit of the item's first occurrence; the list is
    sorted by ingredient name.
    """
    totals: dict[tuple[str, str], Ingredient] = {}
    for recipe in recipes:
        for item in recipe.ingredients:
            key = (item.name, dimension(item.unit))
            if key in totals:
                first = totals[key]
                extra = item.to(first.unit).quantity
                totals[key] = Ingredient(first.name, first.quantity + extra, first.unit)
            else:
                totals[key] = item
    return sorted(totals.values(), key=lambda i: (i.name, i.unit))
