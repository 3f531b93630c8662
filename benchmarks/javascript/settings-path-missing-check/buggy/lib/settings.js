'use strict';

/**
 * Nested settings with dotted paths: get('db.pool.size', 5), set('db.host', 'x').
 */
class Settings {
  constructor(values = {}) {
    this.values = values;
  }

  get(path, fallback = undefined) {
    let current = this.values;
    for (const key of path.split('.')) {
      current = current[key];
    }
    return current === undefined ? fallback : current;
  }

  set(path, value) {
    const keys = path.split('.');
    const last = keys.pop();
    let current = this.values;
    for (const key of keys) {
      if (typeof current[key] !== 'object' || current[key] === null) {
        current[key] = {};
      }
      current = current[key];
    }
    current[last] = value;
    return this;
  }

  has(path) {
    return this.get(path) !== undefined;
  }

  merge(other) {
    for (const [key, value] of Object.entries(other)) {
      const mine = this.values[key];
      if (mine && typeof mine === 'object' && value && typeof value === 'object') {
        this.values[key] = { ...mine, ...value };
      } else {
        this.values[key] = value;
      }
    }
    return this;
  }
}

module.exports = { Settings };
