import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coverage, gaps, merge } from '../src/intervals.js';

describe('merge', () => {
  it('joins overlapping ranges', () => {
    assert.deepEqual(merge([[60, 120], [90, 150]]), [[60, 150]]);
  });

  it('joins touching ranges', () => {
    assert.deepEqual(merge([[540, 600], [600, 660]]), [[540, 660]]);
  });

  it('keeps separate ranges apart, sorted', () => {
    assert.deepEqual(merge([[300, 360], [60, 120]]), [[60, 120], [300, 360]]);
  });
});

describe('gaps', () => {
  it('finds the free time around bookings', () => {
    assert.deepEqual(gaps([[600, 660]], 540, 720), [[540, 600], [660, 720]]);
  });

  it('reports no gap between touching bookings', () => {
    assert.deepEqual(gaps([[540, 600], [600, 660]], 540, 660), []);
  });

  it('is all free without bookings', () => {
    assert.deepEqual(gaps([], 0, 30), [[0, 30]]);
  });
});

describe('coverage', () => {
  it('counts overlaps once', () => {
    assert.equal(coverage([[0, 30], [15, 45], [60, 90]]), 75);
  });
});
