// Pure helpers of the results grid: sorting by a column and export as CSV or JSON.
import type { PreviewColumn } from '../../../server/src/lsp/protocol.js';

export type Row = Record<string, unknown>;
export type SortDir = 'ascending' | 'descending';

const numericType = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL.*|NUMERIC.*)$/i;

export function isNumericType(type: string): boolean {
  return numericType.test(type.trim());
}

/** Rows sorted by one column (a stable sort; nulls last whatever the direction). */
export function sortRows(rows: Row[], column: PreviewColumn, dir: SortDir): Row[] {
  const numeric = isNumericType(column.type);
  const sign = dir === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const x = a.row[column.name];
      const y = b.row[column.name];
      if (x == null || y == null) return x == null && y == null ? a.index - b.index : x == null ? 1 : -1;
      const order = numeric ? Number(x) - Number(y) : String(x).localeCompare(String(y));
      return order === 0 ? a.index - b.index : sign * order;
    })
    .map((entry) => entry.row);
}

/** Text shown in a cell: JSON for nested values, '' is kept distinct from NULL by the caller. */
export function cellText(value: unknown): string {
  if (value == null) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** RFC 4180 CSV with a header line. */
export function toCsv(columns: PreviewColumn[], rows: Row[]): string {
  const field = (value: unknown) => {
    if (value == null) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((c) => field(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c.name])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function toJson(columns: PreviewColumn[], rows: Row[]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null]))), null, 2);
}
