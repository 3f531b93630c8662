'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { Pager } = require('../lib/pager.js');

const letters = 'abcdefghijk'.split('');

describe('Pager', () => {
  it('counts pages, rounding up', () => {
    assert.equal(new Pager(letters, 4).pageCount, 3);
    assert.equal(new Pager([], 4).pageCount, 1);
  });

  it('returns a full first page', () => {
    assert.deepEqual(new Pager(letters, 4).page(1).items, ['a', 'b', 'c', 'd']);
  });

  it('returns the remainder on the last page', () => {
    assert.deepEqual(new Pager(letters, 4).page(3).items, ['i', 'j', 'k']);
  });

  it('tells whether there are neighbours', () => {
    const page = new Pager(letters, 4).page(2);
    assert.equal(page.hasPrevious, true);
    assert.equal(page.hasNext, true);
  });

  it('rejects pages out of range', () => {
    assert.throws(() => new Pager(letters, 4).page(4), RangeError);
    assert.throws(() => new Pager(letters, 4).page(0), RangeError);
  });

  it('rejects a zero page size', () => {
    assert.throws(() => new Pager(letters, 0), /positive integer/);
  });

  it('iterates over every item exactly once', () => {
    const seen = [...new Pager(letters, 4).pages()].flatMap((p) => p.items);
    assert.deepEqual(seen, letters);
  });
});
