/**
 * Time ranges as [start, end) pairs of minutes since midnight.
 */

export function sortByStart(ranges) {
  return [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Merges overlapping and touching ranges. */
export function merge(ranges) {
  const merged = [];
  for (const [start, end] of sortByStart(ranges)) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/** The free ranges between `from` and `to` outside the booked ranges. */
export function gaps(booked, from, to) {
  const free = [];
  let cursor = from;
  for (const [start, end] of sortByStart(booked)) {
    if (start >= cursor) {
      free.push([cursor, Math.min(start, to)]);
    }
    cursor = Math.max(cursor, end);
  }
  if (cursor < to) {
    free.push([cursor, to]);
  }
  return free;
}

/** Total minutes covered by the ranges, overlaps counted once. */
export function coverage(ranges) {
  return merge(ranges).reduce((sum, [s, e]) => sum + (e - s), 0);
}
