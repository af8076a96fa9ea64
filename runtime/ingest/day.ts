// The day a raw file belongs to: the earliest timestamp among its records (UTC), so a file always
// lands in the same partition whatever order its records are in. JSON is read here; CSV and Parquet
// through DuckDB, which already parses them properly.
import { openMemory } from '../engine/duckdb.js';
import { ident, literal } from '../engine/sql.js';
import type { SourceFormat } from '../project/types.js';

/** 'YYYY-MM-DD', or undefined when no record has a usable `column` value. */
export async function recordsDay(file: string, content: Buffer, format: SourceFormat, column: string): Promise<string | undefined> {
  return format === 'json' ? jsonDay(content.toString('utf8'), column) : duckdbDay(file, format, column);
}

function jsonDay(text: string, column: string): string | undefined {
  let earliest: number | undefined;
  const visit = (record: unknown): void => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return;
    const time = toTime((record as Record<string, unknown>)[column]);
    if (time !== undefined && (earliest === undefined || time < earliest)) earliest = time;
  };
  const whole = parse(text);
  if (Array.isArray(whole)) whole.forEach(visit);
  else if (whole !== undefined) visit(whole);
  else for (const line of text.split('\n')) if (line.trim()) visit(parse(line));
  return earliest === undefined ? undefined : new Date(earliest).toISOString().slice(0, 10);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Epoch milliseconds of an ISO string or an epoch number (seconds when small enough to be seconds). */
function toTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

async function duckdbDay(file: string, format: SourceFormat, column: string): Promise<string | undefined> {
  const db = await openMemory();
  try {
    const reader = format === 'csv' ? `read_csv(${literal(file)}, all_varchar = true)` : `read_parquet(${literal(file)})`;
    await db.exec(`SET TimeZone = 'UTC'`);
    const result = await db.query(`SELECT strftime(min(try_cast(${ident(column)} AS TIMESTAMPTZ)), '%Y-%m-%d') AS day FROM ${reader}`);
    const day = result.rows[0]?.day;
    return typeof day === 'string' ? day : undefined;
  } catch {
    // No such column, or a file DuckDB cannot read: the caller falls back to the file's date.
    return undefined;
  } finally {
    db.close();
  }
}
