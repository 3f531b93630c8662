'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parseDuration, formatDuration } = require('../lib/duration.js');

describe('parseDuration', () => {
  it('reads hours and minutes', () => {
    assert.equal(parseDuration('1h30m'), 5400);
  });

  it('reads seconds alone', () => {
    assert.equal(parseDuration('45s'), 45);
  });

  it('allows spaces between parts', () => {
    assert.equal(parseDuration('2h 5s'), 7205);
  });

  it('rejects text that is not a duration', () => {
    assert.throws(() => parseDuration('soon'), SyntaxError);
    assert.throws(() => parseDuration(''), /empty/);
  });
});

describe('formatDuration', () => {
  it('writes the shortest form', () => {
    assert.equal(formatDuration(5400), '1h30m');
    assert.equal(formatDuration(0), '0s');
  });

  it('round-trips through parseDuration', () => {
    for (const text of ['3h', '1h1m1s', '59m59s']) {
      assert.equal(formatDuration(parseDuration(text)), text);
    }
  });
});
