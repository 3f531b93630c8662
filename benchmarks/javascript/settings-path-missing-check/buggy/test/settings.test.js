'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { Settings } = require('../lib/settings.js');

describe('Settings', () => {
  it('reads nested values', () => {
    const s = new Settings({ db: { pool: { size: 8 } } });
    assert.equal(s.get('db.pool.size'), 8);
  });

  it('returns the fallback for a missing leaf', () => {
    const s = new Settings({ db: {} });
    assert.equal(s.get('db.port', 5432), 5432);
  });

  it('returns the fallback for a missing section', () => {
    const s = new Settings({});
    assert.equal(s.get('cache.ttl', 60), 60);
  });

  it('says whether a path is set', () => {
    const s = new Settings({ db: { host: 'x' } });
    assert.equal(s.has('db.host'), true);
    assert.equal(s.has('mail.host'), false);
  });

  it('creates sections when setting', () => {
    const s = new Settings().set('a.b.c', 1);
    assert.deepEqual(s.values, { a: { b: { c: 1 } } });
  });

  it('merges sections shallowly', () => {
    const s = new Settings({ db: { host: 'x', port: 1 } }).merge({ db: { port: 2 }, debug: true });
    assert.deepEqual(s.values, { db: { host: 'x', port: 2 }, debug: true });
  });
});
