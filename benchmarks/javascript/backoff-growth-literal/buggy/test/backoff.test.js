import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { delayFor, schedule, retry } from '../src/backoff.js';

describe('delayFor', () => {
  it('starts at the base delay', () => {
    assert.equal(delayFor(0), 100);
  });

  it('doubles with every attempt', () => {
    assert.equal(delayFor(1), 200);
    assert.equal(delayFor(3), 800);
  });

  it('never exceeds the maximum', () => {
    assert.equal(delayFor(20, { max: 5000 }), 5000);
  });

  it('spreads delays with jitter', () => {
    assert.equal(delayFor(0, { jitter: 0.5, random: () => 0 }), 75);
    assert.equal(delayFor(0, { jitter: 0.5, random: () => 1 }), 125);
  });

  it('rejects negative attempts', () => {
    assert.throws(() => delayFor(-1), RangeError);
  });
});

describe('retry', () => {
  it('lists the delays of a schedule', () => {
    assert.deepEqual(schedule(4, { base: 10 }), [10, 20, 40, 80]);
  });

  it('retries until the call succeeds', async () => {
    const waits = [];
    const result = await retry(async (n) => {
      if (n < 2) throw new Error('busy');
      return 'done';
    }, { sleep: async (ms) => waits.push(ms) });
    assert.equal(result, 'done');
    assert.equal(waits.length, 2);
  });

  it('gives up after the last retry', async () => {
    await assert.rejects(retry(async () => { throw new Error('down'); },
      { retries: 1, sleep: async () => {} }), /down/);
  });
});
