import pytest

from kitchen.recipe import Ingredient, Recipe, parse_ingredient, shopping_list
from kitchen.units import UnitError, convert, dimension


def test_convert_mass_and_volume():
    assert convert(1.5, "kg", "g") == 1500
    assert convert(3, "tsp", "tbsp") == pytest.approx(1.0)
    assert convert(2, "dozen", "pc") == 24


def test_convert_rejects_mixed_dimensions():
    with pytest.raises(UnitError):
        convert(1, "cup", "g")


def test_dimension_accepts_aliases():
    assert dimension("Grams") == "mass"
    assert dimension("liter") == "volume"
    with pytest.raises(UnitError):
        dimension("handful")


def test_parse_ingredient():
    assert parse_ingredient("200 g Flour") == Ingredient("flour", 200.0, "g")
    assert parse_ingredient("1/2 cup milk") == Ingredient("milk", 0.5, "cup")
    assert parse_ingredient("3 large eggs") == Ingredient("large eggs", 3.0, "pc")


def test_scale_recipe():
    pancakes = Recipe("pancakes", 2, [Ingredient("flour", 100, "g"), Ingredient("egg", 1)])
    bigger = pancakes.scale_to(6)
    assert [(i.name, i.quantity) for i in bigger.ingredients] == [("flour", 300), ("egg", 3)]


def test_ingredient_to_other_unit():
    assert Ingredient("flour", 1500, "g").to("kg") == Ingredient("flour", 1.5, "kg")
    assert Ingredient("milk", 2, "cup").to("ml").quantity == pytest.approx(473.176473)


def test_ingredient_to_same_unit_is_unchanged():
    item = Ingredient("sugar", 250, "g")
    assert item.to("grams") == item


def test_recipe_in_unit_converts_only_matching_dimension():
    bread = Recipe("bread", 1, [Ingredient("flour", 0.5, "kg"), Ingredient("water", 300, "ml")])
    converted = bread.in_unit("g")
    assert converted.ingredients == [Ingredient("flour", 500.0, "g"), Ingredient("water", 300, "ml")]


def test_shopping_list_merges_units():
    cake = Recipe("cake", 8, [Ingredient("flour", 1, "kg"), Ingredient("egg", 4)])
    cookies = Recipe("cookies", 20, [Ingredient("flour", 250, "g"), Ingredient("egg", 2)])
    assert shopping_list([cake, cookies]) == [
        Ingredient("egg", 6, "pc"),
        Ingredient("flour", 1.25, "kg"),
    ]


def test_ingredient_str():
    assert str(Ingredient("butter", 2, "tbsp")) == "2 tbsp butter"
    assert str(Ingredient("salt", 0.25, "tsp")) == "0.25 tsp salt"
