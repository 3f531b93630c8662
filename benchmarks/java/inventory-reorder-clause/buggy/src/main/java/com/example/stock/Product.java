package com.example.stock;

/** A stocked product. */
public final class Product {
    private final String sku;
    private final int onHand;
    private final int reorderLevel;
    private final boolean discontinued;

    public Product(String sku, int onHand, int reorderLevel, boolean discontinued) {
        this.sku = sku;
        this.onHand = onHand;
        this.reorderLevel = reorderLevel;
        this.discontinued = discontinued;
    }

    public String sku() {
        return sku;
    }

    public int onHand() {
        return onHand;
    }

    public int reorderLevel() {
        return reorderLevel;
    }

    public boolean isDiscontinued() {
        return discontinued;
    }
}
