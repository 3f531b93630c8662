import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { align, renderTable, widths } from '../src/table.js';

describe('table', () => {
  it('sizes columns to their widest cell', () => {
    assert.deepEqual(widths([['name', 'qty'], ['apple', 3]]), [5, 4]);
  });

  it('right-aligns numbers with two decimals', () => {
    assert.equal(align(3, 6), '  3.00');
  });

  it('left-aligns text', () => {
    assert.equal(align('ab', 4), 'ab  ');
  });

  it('shows missing values as blanks', () => {
    assert.equal(align(null, 2), '  ');
  });

  it('renders a header, a rule and the rows', () => {
    const text = renderTable(['item', 'price'], [['tea', 2.5], ['coffee', 3]]);
    assert.equal(text, [
      'item   | price',
      '-------|------',
      'tea    |  2.50',
      'coffee |  3.00',
    ].join('\n'));
  });
});
