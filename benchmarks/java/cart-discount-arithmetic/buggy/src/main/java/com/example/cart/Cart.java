package com.example.cart;

import java.util.ArrayList;
import java.util.List;

/** A shopping cart with an optional percentage coupon; amounts in cents. */
public final class Cart {
    private final List<LineItem> items = new ArrayList<>();
    private int discountPercent;

    public void add(LineItem item) {
        items.add(item);
    }

    public void applyCoupon(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("bad discount: " + percent);
        }
        discountPercent = percent;
    }

    public int itemCount() {
        int count = 0;
        for (LineItem item : items) {
            count += item.quantity();
        }
        return count;
    }

    public long subtotal() {
        long sum = 0;
        for (LineItem item : items) {
            sum += item.total();
        }
        return sum;
    }

    public long discount() {
        return subtotal() * discountPercent / 100;
    }

    public long total() {
        long subtotal = subtotal();
        return subtotal + subtotal * discountPercent / 100;
    }
}
