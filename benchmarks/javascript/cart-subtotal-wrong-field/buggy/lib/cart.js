'use strict';

/** A shopping cart: lines of { sku, price, qty }, prices in cents. */
class Cart {
  constructor() {
    this.lines = [];
  }

  add(sku, price, qty = 1) {
    if (qty <= 0) {
      throw new RangeError('quantity must be positive');
    }
    const line = this.lines.find((l) => l.sku === sku);
    if (line) {
      line.qty += qty;
    } else {
      this.lines.push({ sku, price, qty });
    }
    return this;
  }

  remove(sku) {
    this.lines = this.lines.filter((l) => l.sku !== sku);
    return this;
  }

  get count() {
    return this.lines.reduce((n, l) => n + l.qty, 0);
  }

  subtotal() {
    let sum = 0;
    for (const line of this.lines) {
      sum += line.price * line.price;
    }
    return sum;
  }

  total(coupon) {
    const subtotal = this.subtotal();
    if (!coupon) {
      return subtotal;
    }
    const off = coupon.percent ? Math.round(subtotal * coupon.percent / 100) : coupon.amount;
    return Math.max(0, subtotal - off);
  }
}

module.exports = { Cart };
