'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { Cart } = require('../lib/cart.js');

describe('Cart', () => {
  it('is empty at first', () => {
    const cart = new Cart();
    assert.equal(cart.count, 0);
    assert.equal(cart.subtotal(), 0);
  });

  it('merges lines of the same sku', () => {
    const cart = new Cart().add('pen', 150).add('pen', 150, 2);
    assert.equal(cart.lines.length, 1);
    assert.equal(cart.count, 3);
  });

  it('adds up price times quantity', () => {
    const cart = new Cart().add('pen', 150, 2).add('pad', 400);
    assert.equal(cart.subtotal(), 700);
  });

  it('applies a percentage coupon', () => {
    const cart = new Cart().add('pen', 250, 4);
    assert.equal(cart.total({ percent: 10 }), 900);
  });

  it('never goes below zero with a fixed coupon', () => {
    const cart = new Cart().add('gum', 1, 1);
    assert.equal(cart.total({ amount: 500 }), 0);
  });

  it('removes lines', () => {
    const cart = new Cart().add('pen', 150).add('pad', 400).remove('pen');
    assert.deepEqual(cart.lines.map((l) => l.sku), ['pad']);
  });

  it('rejects a zero quantity', () => {
    assert.throws(() => new Cart().add('pen', 150, 0), RangeError);
  });
});
