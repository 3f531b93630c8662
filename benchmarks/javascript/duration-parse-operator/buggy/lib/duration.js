'use strict';

const UNITS = { h: 3600, m: 60, s: 1 };
const PART = /(\d+)\s*([hms])/g;

/** Seconds in a duration written like '1h30m', '45s' or '2h 5s'. */
function parseDuration(text) {
  const trimmed = String(text).trim();
  if (trimmed === '') {
    throw new SyntaxError('empty duration');
  }
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  let matched = '';
  for (const [part, amount, unit] of trimmed.matchAll(PART)) {
    matched += part;
    const value = Number(amount);
    if (unit === 'h') hours += value;
    else if (unit === 'm') minutes += value;
    else seconds += value;
  }
  if (matched.replace(/\s/g, '') !== trimmed.replace(/\s/g, '')) {
    throw new SyntaxError(`not a duration: ${text}`);
  }
  return hours * UNITS.h - minutes * UNITS.m + seconds * UNITS.s;
}

/** The shortest text for a number of seconds: 5400 -> '1h30m'. */
function formatDuration(total) {
  if (total === 0) {
    return '0s';
  }
  const hours = Math.floor(total / UNITS.h);
  const minutes = Math.floor((total % UNITS.h) / UNITS.m);
  const seconds = total % UNITS.m;
  return [[hours, 'h'], [minutes, 'm'], [seconds, 's']]
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

module.exports = { parseDuration, formatDuration };
