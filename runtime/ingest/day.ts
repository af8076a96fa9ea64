// The day a raw file belongs to: the earliest timestamp among its records (UTC), so a file always
// lands in the same partition whatever order its records are in. JSON is scanned here as the file
// streams by (in the same pass that hashes it, one record in memory at a time); CSV and Parquet go
// through DuckDB, which already parses them properly and reads the file itself.
import { StringDecoder } from 'node:string_decoder';
import { openMemory } from '../engine/duckdb.js';
import { ident, literal } from '../engine/sql.js';
import type { SourceFormat } from '../project/types.js';

/** Files up to this size are also parsed whole, exactly as a small file always was. */
const WHOLE_CHARS = 8 * 1024 * 1024;
/** A single record (line or array element) longer than this is skipped rather than held in memory. */
const RECORD_CHARS = 64 * 1024 * 1024;

/**
 * The earliest `column` value of a JSON file fed chunk by chunk: a JSON document (an array of records
 * or one record) or newline-delimited records. Malformed lines are skipped, as are records without a
 * usable value.
 */
export class JsonDay {
  private readonly decoder = new StringDecoder('utf8');
  private earliest: number | undefined;
  /** The whole text while the file is small enough to parse whole. */
  private whole: string[] | undefined = [];
  private seenChars = 0;
  /** Decided by the first non-blank character: '[' streams array elements, anything else reads lines. */
  private mode: 'start' | 'lines' | 'array' = 'start';
  private record = '';
  private skipping = false;
  // Array scanning state: nesting depth, whether inside a string, after a backslash in one.
  private depth = 0;
  private collecting = false;
  private inString = false;
  private escaped = false;

  /** `wholeChars`: up to how much text the file is also parsed whole (lower in tests, to exercise streaming). */
  constructor(
    private readonly column: string,
    private readonly wholeChars = WHOLE_CHARS,
  ) {}

  push(chunk: Buffer): void {
    this.text(this.decoder.write(chunk));
  }

  /** 'YYYY-MM-DD', or undefined when no record has a usable value. */
  end(): string | undefined {
    this.text(this.decoder.end());
    if (this.whole) return jsonDay(this.whole.join(''), this.column);
    if (this.mode === 'lines') this.line();
    return this.earliest === undefined ? undefined : new Date(this.earliest).toISOString().slice(0, 10);
  }

  private text(text: string): void {
    if (text === '') return;
    if (this.whole) {
      this.whole.push(text);
      this.seenChars += text.length;
      if (this.seenChars > this.wholeChars) this.whole = undefined;
    }
    if (this.mode === 'start') {
      const first = text.search(/\S/);
      if (first < 0) return;
      this.mode = text[first] === '[' ? 'array' : 'lines';
    }
    if (this.mode === 'lines') this.lines(text);
    else this.elements(text);
  }

  private lines(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.append(text.slice(from, nl));
      this.line();
      from = nl + 1;
    }
    this.append(text.slice(from));
  }

  private line(): void {
    if (!this.skipping && this.record.trim()) this.visit(parse(this.record));
    this.record = '';
    this.skipping = false;
  }

  /** The records of a top-level array, each one collected from its '{' to the matching '}'. */
  private elements(text: string): void {
    let start = this.collecting ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') {
        if (++this.depth === 2 && c === '{') {
          start = i;
          this.collecting = true;
        }
      } else if (c === '}' || c === ']') {
        if (--this.depth === 1 && this.collecting) {
          this.append(text.slice(start, i + 1));
          if (!this.skipping) this.visit(parse(this.record));
          this.record = '';
          this.skipping = false;
          this.collecting = false;
          start = -1;
        }
      }
    }
    if (this.collecting) this.append(text.slice(start));
  }

  private append(text: string): void {
    if (this.skipping) return;
    if (this.record.length + text.length > RECORD_CHARS) {
      this.record = '';
      this.skipping = true;
    } else this.record += text;
  }

  private visit(record: unknown): void {
    const time = recordTime(record, this.column);
    if (time !== undefined && (this.earliest === undefined || time < this.earliest)) this.earliest = time;
  }
}

/** The day of a whole JSON text: a document (array or one record), else newline-delimited records. */
function jsonDay(text: string, column: string): string | undefined {
  let earliest: number | undefined;
  const visit = (record: unknown): void => {
    const time = recordTime(record, column);
    if (time !== undefined && (earliest === undefined || time < earliest)) earliest = time;
  };
  const whole = parse(text);
  if (Array.isArray(whole)) whole.forEach(visit);
  else if (whole !== undefined) visit(whole);
  else for (const line of text.split('\n')) if (line.trim()) visit(parse(line));
  return earliest === undefined ? undefined : new Date(earliest).toISOString().slice(0, 10);
}

function recordTime(record: unknown, column: string): number | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return toTime((record as Record<string, unknown>)[column]);
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

/** CSV and Parquet: DuckDB reads the file; undefined when the column is missing or the file unreadable. */
export async function duckdbDay(file: string, format: Exclude<SourceFormat, 'json'>, column: string): Promise<string | undefined> {
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
