"""Kitchen units and conversions between them."""

from __future__ import annotations

# Size of one unit, in the base unit of its dimension (grams, millilitres, pieces).
MASS = {"g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}
VOLUME = {
    "ml": 1.0,
    "l": 1000.0,
    "tsp": 4.92892159375,
    "tbsp": 14.78676478125,
    "cup": 236.5882365,
}
COUNT = {"pc": 1.0, "dozen": 12.0}

_TABLES = {"mass": MASS, "volume": VOLUME, "count": COUNT}

ALIASES = {
    "gram": "g",
    "grams": "g",
    "kilogram": "kg",
    "kilograms": "kg",
    "litre": "l",
    "liter": "l",
    "cups": "cup",
    "teaspoon": "tsp",
    "tablespoon": "tbsp",
    "piece": "pc",
    "pieces": "pc",
}


class UnitError(ValueError):
    """An unknown unit, or a conversion between different dimensions."""


def canonical(unit: str) -> str:
    """The canonical spelling of ``unit`` ("grams" -> "g")."""
    unit = unit.strip().lower()
    return ALIASES.get(unit, unit)


def dimension(unit: str) -> str:
    """"mass", "volume" or "count"."""
    unit = canonical(unit)
    for name, table in _TABLES.items():
        if unit in table:
            return name
    raise UnitError(f"unknown unit: {unit!r}")


def convert(quantity: float, from_unit: str, to_unit: str) -> float:
    """Express ``quantity`` of ``from_unit`` in ``to_unit``."""
    from_unit, to_unit = canonical(from_unit), canonical(to_unit)
    src, dst = dimension(from_unit), dimension(to_unit)
    if src != dst:
        raise UnitError(f"cannot convert {from_unit} ({src}) to {to_unit} ({dst})")
    if from_unit == to_unit:
        return quantity
    table = _TABLES[src]
    return quantity * table[from_unit] / table[to_unit]
