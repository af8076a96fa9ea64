// Writes sample app-log events into a lake's bronze zone as NDJSON, hive-partitioned by UTC day
// (bronze/app_logs/year=YYYY/month=MM/day=DD/part-<seed>-NNNN.json). Streams: memory stays flat
// at any volume. Deterministic: the same options give the same files, byte for byte.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { EventModel, MALFORMED_KINDS, type DayStats, type MalformedKind } from './events.js';
import { Random } from './random.js';

export interface SampleOptions {
  /** Distinct events to generate (duplicates come on top). */
  events: number;
  seed?: number;
  days?: number;
  /** First day, YYYY-MM-DD (UTC). */
  start?: string;
  /** How many records to break on purpose, cycling through MALFORMED_KINDS. */
  malformed?: number;
  /** Share of records delivered twice. */
  duplicateRate?: number;
  /** The folder under the lake root the source reads. */
  prefix?: string;
  /** Records per file before a day's partition gets another part. */
  maxFileRecords?: number;
}

export interface SampleResult {
  /** Lake keys of the files written, in order. */
  files: string[];
  events: number;
  records: number;
  duplicates: number;
  malformed: number;
  sessions: number;
  users: number;
  bytes: number;
}

export const SAMPLE_DEFAULTS = {
  seed: 42,
  days: 7,
  start: '2026-01-01',
  malformed: 0,
  duplicateRate: 0.005,
  prefix: 'bronze/app_logs',
  maxFileRecords: 250_000,
};

const DAY_MS = 86_400_000;
const FLUSH_BYTES = 1 << 20;

/** Generates into `lakeDir` (created when missing). Existing files with other names are left alone. */
export async function generateSample(lakeDir: string, options: SampleOptions): Promise<SampleResult> {
  const o = { ...SAMPLE_DEFAULTS, ...options };
  const start = Date.parse(`${o.start}T00:00:00Z`);
  if (!Number.isFinite(start) || !/^\d{4}-\d{2}-\d{2}$/.test(o.start)) throw new RangeError(`start must be a date YYYY-MM-DD, got '${o.start}'`);
  if (!Number.isInteger(o.events) || o.events < 0) throw new RangeError(`events must be a whole number >= 0, got ${o.events}`);
  if (!Number.isInteger(o.days) || o.days < 1) throw new RangeError(`days must be a whole number >= 1, got ${o.days}`);

  const rng = new Random(o.seed);
  const users = Math.max(10, Math.ceil(o.events / 30));
  const model = new EventModel(rng, users, o.duplicateRate);
  const broken = brokenPositions(rng, o.events, Math.min(o.malformed, o.events));
  const quotas = dayQuotas(o.events, o.days, start);
  const result: SampleResult = { files: [], events: o.events, records: 0, duplicates: 0, malformed: 0, sessions: 0, users, bytes: 0 };

  let offset = 0;
  for (let d = 0; d < o.days; d++) {
    const dayStart = start + d * DAY_MS;
    const stats: DayStats = { sessions: 0, duplicates: 0, malformed: 0 };
    const base = offset;
    const lines = model.day({ start: dayStart, events: quotas[d] }, (i) => broken.get(base + i), stats);
    const keys = await writeParts(lakeDir, `${o.prefix}/${partition(dayStart)}`, o.seed, o.maxFileRecords, lines, result);
    result.files.push(...keys);
    result.sessions += stats.sessions;
    result.duplicates += stats.duplicates;
    result.malformed += stats.malformed;
    offset += quotas[d];
  }
  return result;
}

/** Splits the events over the days, weekends a little quieter, summing exactly to `events`. */
function dayQuotas(events: number, days: number, start: number): number[] {
  const weights = Array.from({ length: days }, (_, d) => ([0, 6].includes(new Date(start + d * DAY_MS).getUTCDay()) ? 0.75 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => Math.floor((events * w) / total));
  for (let d = 0, left = events - quotas.reduce((a, b) => a + b, 0); left > 0; d = (d + 1) % days, left--) quotas[d]++;
  return quotas;
}

/** Which event indexes are broken, and how: evenly spread, kinds in turn. */
function brokenPositions(rng: Random, events: number, count: number): Map<number, MalformedKind> {
  const out = new Map<number, MalformedKind>();
  for (let k = 0; k < count; k++) {
    const slot = Math.floor((events * k) / count);
    const width = Math.max(1, Math.floor(events / count));
    out.set(Math.min(events - 1, slot + rng.int(0, width - 1)), MALFORMED_KINDS[k % MALFORMED_KINDS.length]);
  }
  return out;
}

function partition(dayStart: number): string {
  const d = new Date(dayStart);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `year=${d.getUTCFullYear()}/month=${two(d.getUTCMonth() + 1)}/day=${two(d.getUTCDate())}`;
}

/** Writes lines into part files of at most `maxRecords` lines, buffering about 1 MiB per write. */
async function writeParts(lakeDir: string, folder: string, seed: number, maxRecords: number, lines: Iterable<string>, result: SampleResult): Promise<string[]> {
  const keys: string[] = [];
  let handle: FileHandle | undefined;
  let buffer: string[] = [];
  let buffered = 0;
  let inFile = 0;
  const flush = async (): Promise<void> => {
    if (!handle || buffer.length === 0) return;
    const chunk = buffer.join('');
    buffer = [];
    buffered = 0;
    result.bytes += Buffer.byteLength(chunk);
    await handle.write(chunk);
  };
  const open = async (): Promise<void> => {
    const key = `${folder}/part-${seed}-${String(keys.length).padStart(4, '0')}.json`;
    await fsp.mkdir(path.dirname(path.join(lakeDir, key)), { recursive: true });
    // A symlink planted at a part's name is not followed (O_NOFOLLOW; 0 where the platform lacks it).
    handle = await fsp.open(path.join(lakeDir, key), fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | (fsConstants.O_NOFOLLOW ?? 0));
    keys.push(key);
    inFile = 0;
  };
  try {
    for (const line of lines) {
      if (!handle || inFile >= maxRecords) {
        await flush();
        await handle?.close();
        await open();
      }
      buffer.push(line, '\n');
      buffered += line.length + 1;
      inFile++;
      result.records++;
      if (buffered >= FLUSH_BYTES) await flush();
    }
    await flush();
  } finally {
    await handle?.close();
  }
  return keys;
}
