/**
 * Exponential backoff with an upper bound and optional jitter, for retrying requests.
 */

export const DEFAULTS = Object.freeze({ base: 100, max: 30000, jitter: 0 });

/** The delay in milliseconds before retry number `attempt` (0 for the first retry). */
export function delayFor(attempt, options = {}) {
  const { base, max, jitter } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  }
  const exponential = base * 3 ** attempt;
  const capped = Math.min(exponential, max);
  const spread = capped * jitter;
  return Math.round(capped - spread / 2 + spread * (options.random ?? Math.random)());
}

/** The delays of `retries` retries, in order. */
export function schedule(retries, options = {}) {
  const delays = [];
  for (let attempt = 0; attempt < retries; attempt++) {
    delays.push(delayFor(attempt, options));
  }
  return delays;
}

/** Calls `fn` until it resolves, waiting between attempts; rethrows the last error. */
export async function retry(fn, { retries = 3, sleep, ...options } = {}) {
  let lastError;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      lastError = error;
      if (attempt < retries) {
        await sleep(delayFor(attempt, options));
      }
    }
  }
  throw lastError;
}
