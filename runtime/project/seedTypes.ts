// Seed CSVs read as dbt reads them: csv-parse splits the rows (a ragged row or an open quote is a
// positioned error) and each column gets the type dbt-core's agate TypeTester infers, named as DuckDB names it.
import type { Info } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Diagnostic, Range, Result } from './types.js';

/** What dbt infers, in its order of preference; the first kind every value of a column passes wins. */
export type SeedKind = 'number' | 'date' | 'datetime' | 'boolean' | 'text';

export interface SeedColumn {
  name: string;
  kind: SeedKind;
  /** The DuckDB type the seed table gets for it: INTEGER, BIGINT, DOUBLE, DATE, TIMESTAMP, BOOLEAN or VARCHAR. */
  type: string;
}

export interface SeedTable {
  columns: SeedColumn[];
  rows: number;
}

/**
 * Parses a seed and infers its column types. Rows longer or shorter than the header are errors (dbt
 * fails on the longer ones and pads the shorter ones with nulls; a silently padded row is a data bug).
 */
export function readSeed(file: string, text: string, delimiter = ','): Result<SeedTable> {
  const lines = lineStarts(text);
  const at = (line: number): Range => lineRange(text, lines, line);
  let records: Array<{ record: string[]; info: Info }>;
  try {
    // With `info`, each record comes with the line it ends on (csv-parse's types do not say so).
    records = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    // csv-parse reports where it gave up (the end of the file for a quote never closed): name where it opened.
    const line = e.code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuoteLine(text) : typeof e.lines === 'number' ? e.lines : 1;
    const message = e.code === 'CSV_QUOTE_NOT_CLOSED' ? `${file}: a quote opened on line ${line} is never closed` : `${file}:${line}: ${e.message ?? String(err)}`;
    return { value: { columns: [], rows: 0 }, diagnostics: [{ file, range: at(line), severity: 'error', message, code: 'seed-parse' }] };
  }
  const diagnostics: Diagnostic[] = [];
  const header = records[0]?.record.map((c) => c.trim()) ?? [];
  if (header.length === 0 || header.every((c) => c === '')) {
    diagnostics.push({ file, range: at(1), severity: 'error', message: 'Seed has no header row', code: 'seed-no-header' });
    return { value: { columns: [], rows: 0 }, diagnostics };
  }
  const rows = records.slice(1);
  for (const { record, info } of rows) {
    if (record.length === header.length) continue;
    // info.lines is where the record ends; a record spanning lines starts that many lines earlier.
    const line = info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    diagnostics.push({ file, range: at(line), severity: 'error', message: `${file}:${line}: this row has ${record.length} values but the header has ${header.length}`, code: 'seed-ragged-row' });
  }
  const columns = columnNames(header).map((name, i) => ({ name, ...inferColumn(rows.map((r) => r.record[i])) }));
  return { value: { columns, rows: rows.length }, diagnostics };
}

/** agate's names: a blank header is its column's letter (a, b, …, aa), a repeated one gets _2, _3. */
function columnNames(header: string[]): string[] {
  const seen = new Set<string>();
  return header.map((raw, i) => {
    const base = raw !== '' ? raw : String.fromCharCode(97 + (i % 26)).repeat(Math.floor(i / 26) + 1);
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}

/** agate's TypeTester over one column with the types dbt-core configures (dbt_common agate_helper). */
function inferColumn(values: Array<string | undefined>): { kind: SeedKind; type: string } {
  const present = values.filter((v): v is string => v !== undefined && !isNull(v));
  if (present.every(isNumber)) return { kind: 'number', type: numberType(present) };
  if (present.every(isDate)) return { kind: 'date', type: 'DATE' };
  if (present.every((v) => isDateTime(v) || isIsoDateTime(v))) return { kind: 'datetime', type: 'TIMESTAMP' };
  if (present.every(isBoolean)) return { kind: 'boolean', type: 'BOOLEAN' };
  return { kind: 'text', type: 'VARCHAR' };
}

/** dbt's null values for every type: '' and 'null', after trimming, in any case. */
export function isNull(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === '' || v === 'null';
}

/** Currency symbols agate strips from numbers (with '%' and the ',' group separator). */
export const NUMBER_NOISE = '%,$؋ƒ៛¥₡₱£€¢﷼₪₩₭₮₦฿₤₫';
const NOISE = new RegExp(`[${NUMBER_NOISE}]`, 'g');
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** The text Python's Decimal would read after agate's Number removed signs of formatting. */
function cleanNumber(value: string): string {
  return value.trim().replace(NOISE, '');
}

function isNumber(value: string): boolean {
  const v = cleanNumber(value);
  return DECIMAL.test(v) || SPECIAL.test(v);
}

/**
 * dbt-duckdb creates `integer` when no value has a fractional digit (after trailing zeros are
 * dropped, as Decimal.normalize does), else `float8`. Whole numbers past INTEGER's range become
 * BIGINT here, where dbt would fail the insert; NaN and infinities need a DOUBLE.
 */
function numberType(values: string[]): string {
  let wide = false;
  for (const raw of values) {
    const v = cleanNumber(raw);
    if (SPECIAL.test(v)) return 'DOUBLE';
    const [mantissa, exponent = '0'] = v.toLowerCase().split('e');
    const fraction = (mantissa.split('.')[1] ?? '').replace(/0+$/, '');
    if (fraction.length - Number(exponent) > 0) return 'DOUBLE';
    const n = Math.abs(Number(v));
    if (n > 9.2e18) return 'DOUBLE';
    if (n > 2147483647) wide = true;
  }
  return wide ? 'BIGINT' : 'INTEGER';
}

/** strptime's %Y-%m-%d: four-digit year, one- or two-digit month and day, a real calendar date. */
function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value.trim());
  return !!m && validDate(+m[1], +m[2], +m[3]);
}

/** strptime's %Y-%m-%d %H:%M:%S. */
function isDateTime(value: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(value.trim());
  return !!m && validDate(+m[1], +m[2], +m[3]) && validTime(+m[4], +m[5], +m[6]);
}

/**
 * isodate's parse_datetime: a date and a time joined by 'T', an optional fraction and zone. Only the
 * extended forms (2024-01-31T09:30:00Z), which DuckDB casts as well; the basic ones (20240131T0930) stay text.
 */
function isIsoDateTime(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(?::(\d{2})(?::(\d{2}))?)?(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value.trim());
  return !!m && validDate(+m[1], +m[2], +m[3]) && validTime(+m[4], +(m[5] ?? 0), +(m[6] ?? 0));
}

/** agate's Boolean with dbt's words: true and false in any case, commas ignored. */
function isBoolean(value: string): boolean {
  const v = value.replace(/,/g, '').trim().toLowerCase();
  return v === 'true' || v === 'false';
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function validTime(h: number, m: number, s: number): boolean {
  return h < 24 && m < 60 && s < 60;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The range of a 1-based line, without its line break. */
function lineRange(text: string, starts: number[], line: number): Range {
  const start = starts[Math.min(Math.max(line, 1), starts.length) - 1];
  const next = text.indexOf('\n', start);
  const end = next < 0 ? text.length : next;
  return { start, end: text[end - 1] === '\r' ? end - 1 : end };
}

/** The line (1-based) of the quote that is still open at the end of a CSV text; `""` inside quotes is a quote. */
function unclosedQuoteLine(text: string): number {
  let line = 1;
  let openedOn = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      if (quoted && text[i + 1] === '"') i++;
      else {
        quoted = !quoted;
        if (quoted) openedOn = line;
      }
    }
  }
  return openedOn;
}
