/**
 * Plain-text tables: numbers right-aligned, text left-aligned, columns sized to fit.
 */

function cell(value) {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'number' ? value.toFixed(2) : String(value);
}

export function widths(rows) {
  const sizes = [];
  for (const row of rows) {
    row.forEach((value, column) => {
      sizes[column] = Math.max(sizes[column] ?? 0, cell(value).length);
    });
  }
  return sizes;
}

export function align(value, width) {
  const text = cell(value);
  return typeof value === 'number' ? text.padStart(width) : text.padStart(width);
}

export function renderTable(header, rows, { separator = ' | ' } = {}) {
  const all = [header, ...rows];
  const sizes = widths(all);
  const line = (row) => row.map((value, column) => align(value, sizes[column])).join(separator);
  const rule = sizes.map((size) => '-'.repeat(size)).join(separator.replace(/ /g, '-'));
  return [line(header), rule, ...rows.map(line)].join('\n');
}
