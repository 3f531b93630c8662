import pytest

from stockroom.inventory import InsufficientStock, Inventory, Item, UnknownItem


def make_inventory():
    inv = Inventory()
    inv.add_item(Item("BOLT-M6", "M6 bolt", quantity=120, reorder_point=50, unit_cost=0.12))
    inv.add_item(Item("NUT-M6", "M6 nut", quantity=40, reorder_point=50, unit_cost=0.05))
    inv.add_item(Item("WASHER-M6", "M6 washer", quantity=10, reorder_point=25, unit_cost=0.02))
    return inv


def test_receive_and_ship():
    inv = make_inventory()
    assert inv.receive("NUT-M6", 60) == 100
    assert inv.ship("NUT-M6", 30) == 70
    assert inv.history == [("receive", "NUT-M6", 60), ("ship", "NUT-M6", 30)]


def test_ship_more_than_on_hand():
    inv = make_inventory()
    with pytest.raises(InsufficientStock):
        inv.ship("WASHER-M6", 11)


def test_unknown_sku():
    with pytest.raises(UnknownItem):
        make_inventory().receive("SCREW", 1)


def test_duplicate_sku_rejected():
    inv = make_inventory()
    with pytest.raises(ValueError):
        inv.add_item(Item("BOLT-M6", "another bolt"))


def test_reorder_list():
    assert make_inventory().reorder_list() == [("NUT-M6", 60), ("WASHER-M6", 40)]


def test_reorder_list_skips_discontinued_items():
    inv = make_inventory()
    inv.discontinue("WASHER-M6")
    assert inv.reorder_list() == [("NUT-M6", 60)]


def test_item_at_reorder_point_is_reordered():
    inv = make_inventory()
    inv.ship("BOLT-M6", 70)
    assert ("BOLT-M6", 50) in inv.reorder_list()


def test_total_value():
    assert make_inventory().total_value() == 16.6
