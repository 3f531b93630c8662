"""Recipe scaling, unit conversion and shopping lists."""

from kitchen.recipe import Ingredient, Recipe, parse_ingredient, shopping_list
from kitchen.units import UnitError, convert, dimension

__all__ = ["Ingredient", "Recipe", "UnitError", "convert", "dimension", "parse_ingredient", "shopping_list"]
