package com.example.cart;

import static org.junit.Assert.assertEquals;

import org.junit.Before;
import org.junit.Test;

public class CartTest {
    private Cart cart;

    @Before
    public void setUp() {
        cart = new Cart();
        cart.add(new LineItem("apple", 120, 5));
        cart.add(new LineItem("pear", 250, 2));
    }

    @Test
    public void subtotalSumsLines() {
        assertEquals(1100, cart.subtotal());
    }

    @Test
    public void itemCountSumsQuantities() {
        assertEquals(7, cart.itemCount());
    }

    @Test
    public void totalWithoutCouponIsSubtotal() {
        assertEquals(1100, cart.total());
    }

    @Test
    public void couponLowersTotal() {
        cart.applyCoupon(10);
        assertEquals(990, cart.total());
    }

    @Test
    public void discountAmount() {
        cart.applyCoupon(25);
        assertEquals(275, cart.discount());
    }

    @Test
    public void fullDiscountIsFree() {
        cart.applyCoupon(100);
        assertEquals(0, cart.total());
    }

    @Test(expected = IllegalArgumentException.class)
    public void discountAboveHundredRejected() {
        cart.applyCoupon(120);
    }
}
