package com.example.cart;

/** One product line of a cart; prices are in cents. */
public final class LineItem {
    private final String sku;
    private final long unitPrice;
    private final int quantity;

    public LineItem(String sku, long unitPrice, int quantity) {
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive");
        }
        this.sku = sku;
        this.unitPrice = unitPrice;
        this.quantity = quantity;
    }

    public String sku() {
        return sku;
    }

    public int quantity() {
        return quantity;
    }

    public long total() {
        return unitPrice * quantity;
    }
}
