'use strict';

/**
 * Splits a list into pages of `size` items. Pages are numbered from 1.
 */
class Pager {
  constructor(items, size = 10) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`page size must be a positive integer, got ${size}`);
    }
    this.items = items;
    this.size = size;
  }

  get pageCount() {
    return Math.max(1, Math.ceil(this.items.length / this.size));
  }

  page(number) {
    if (number < 1 || number > this.pageCount) {
      throw new RangeError(`no page ${number} (1..${this.pageCount})`);
    }
    const start = (number - 1) * this.size;
    const end = start + this.size - 1;
    return {
      number,
      items: this.items.slice(start, end),
      hasPrevious: number > 1,
      hasNext: number < this.pageCount,
    };
  }

  *pages() {
    for (let n = 1; n <= this.pageCount; n++) {
      yield this.page(n);
    }
  }
}

module.exports = { Pager };
