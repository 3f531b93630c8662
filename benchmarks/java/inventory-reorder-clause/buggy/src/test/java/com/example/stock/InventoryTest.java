package com.example.stock;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import org.junit.Before;
import org.junit.Test;

public class InventoryTest {
    private Inventory inventory;

    @Before
    public void setUp() {
        inventory = new Inventory();
        inventory.add(new Product("bolt", 3, 10, false));
        inventory.add(new Product("nut", 50, 10, false));
        inventory.add(new Product("washer", 2, 5, true));
        inventory.add(new Product("screw", 10, 10, false));
    }

    @Test
    public void activeSkusSkipDiscontinued() {
        assertEquals(Arrays.asList("bolt", "nut", "screw"), inventory.activeSkus());
    }

    @Test
    public void reorderLowStock() {
        assertEquals(Arrays.asList("bolt", "screw"), inventory.toReorder());
    }

    @Test
    public void totalUnits() {
        assertEquals(65, inventory.totalUnits());
    }

    @Test
    public void emptyInventoryReordersNothing() {
        assertEquals(0, new Inventory().toReorder().size());
    }

    @Test
    public void discontinuedOnlyInventoryReordersNothing() {
        Inventory old = new Inventory();
        old.add(new Product("rivet", 0, 5, true));
        assertEquals(0, old.toReorder().size());
    }
}
