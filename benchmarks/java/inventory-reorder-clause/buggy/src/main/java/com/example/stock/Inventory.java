package com.example.stock;

import java.util.ArrayList;
import java.util.List;

/** Stock levels and what to reorder. */
public final class Inventory {
    private final List<Product> products = new ArrayList<>();

    public void add(Product product) {
        products.add(product);
    }

    public List<String> activeSkus() {
        List<String> skus = new ArrayList<>();
        for (Product product : products) {
            if (!product.isDiscontinued()) {
                skus.add(product.sku());
            }
        }
        return skus;
    }

    public List<String> toReorder() {
        List<String> skus = new ArrayList<>();
        for (Product product : products) {
            if (product.onHand() <= product.reorderLevel()) {
                skus.add(product.sku());
            }
        }
        return skus;
    }

    public int totalUnits() {
        int total = 0;
        for (Product product : products) {
            total += product.onHand();
        }
        return total;
    }
}
