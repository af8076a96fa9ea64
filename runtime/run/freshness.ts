// `source freshness`, as dbt runs it: per source table with a freshness threshold, the newest
// loaded_at_field (with the threshold's filter) against now, or for a bronze source its last load time.
import type { EngineSession } from '../engine/adapter.js';
import { freshnessStatus, isSet, type FreshnessThreshold, type FreshnessTime } from '../project/freshness.js';
import type { SourceTable } from '../project/types.js';
import { LOAD_STATE } from './bronze.js';

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  /** Medallion's id, 'source.<source>.<table>'. */
  id: string;
  source: string;
  table: string;
  /** The relation checked, "schema"."name". */
  relation: string;
  status: FreshnessStatus;
  threshold: FreshnessThreshold;
  /** ISO times (UTC) and the age in seconds; absent for a runtime error. */
  maxLoadedAt?: string;
  snapshottedAt?: string;
  ageSeconds?: number;
  /** What was compared: the loaded_at_field, the loaded_at_query's value, or the bronze load time. */
  basis?: 'loaded_at_field' | 'loaded_at_query' | 'last load';
  error?: string;
  startedAt: string;
  completedAt: string;
  ms: number;
}

/** dbt's stand-in for the newest row of an empty table: 0001-01-01T00:00:00Z, "infinitely" old. */
const YEAR_ONE_MS = -62135596800000;

/** The sources `source freshness` checks: those whose merged threshold has a warn_after or error_after. */
export function hasFreshness(source: SourceTable): source is SourceTable & { freshness: { threshold: FreshnessThreshold } } {
  return source.freshness?.threshold !== undefined;
}

/** Renders a source's loaded_at_query (Jinja, with `this` the source); without one the query runs as written. */
export type RenderQuery = (query: string, source: SourceTable) => Promise<string>;

/** Checks each source in turn on one session; never throws for a source's own failure. */
export async function checkFreshness(db: EngineSession, sources: SourceTable[], onResult?: (r: FreshnessResult, index: number) => void, render?: RenderQuery): Promise<FreshnessResult[]> {
  const out: FreshnessResult[] = [];
  for (const source of sources.filter(hasFreshness)) {
    const result = await checkOne(db, source, source.freshness.threshold, render);
    out.push(result);
    onResult?.(result, out.length);
  }
  return out;
}

async function checkOne(db: EngineSession, source: SourceTable, threshold: FreshnessThreshold, render?: RenderQuery): Promise<FreshnessResult> {
  const started = Date.now();
  const base = { id: source.id, source: source.source, table: source.table, relation: source.relation, threshold };
  const done = (rest: Partial<FreshnessResult> & { status: FreshnessStatus }): FreshnessResult => {
    const completed = Date.now();
    return { ...base, ...rest, startedAt: new Date(started).toISOString(), completedAt: new Date(completed).toISOString(), ms: completed - started };
  };
  try {
    const times = await newest(db, source, threshold, render);
    if (typeof times === 'string') return done({ status: 'runtime error', error: times });
    const maxMs = times.maxMs ?? YEAR_ONE_MS;
    const ageSeconds = (times.nowMs - maxMs) / 1000;
    return done({ status: freshnessStatus(threshold, ageSeconds), maxLoadedAt: isoTime(maxMs), snapshottedAt: isoTime(times.nowMs), ageSeconds, basis: times.basis });
  } catch (err) {
    return done({ status: 'runtime error', error: `Freshness of source ${source.source}.${source.table}: ${err instanceof Error ? err.message : String(err)}` });
  }
}

interface Times {
  maxMs: number | null;
  nowMs: number;
  basis: FreshnessResult['basis'];
}

/** The newest load time and the warehouse's now, in epoch ms; a string says why there is none. */
async function newest(db: EngineSession, source: SourceTable, threshold: FreshnessThreshold, render?: RenderQuery): Promise<Times | string> {
  const query = source.freshness?.loadedAtQuery;
  if (query) {
    // dbt's collect_freshness_custom_sql: the query's one value is max_loaded_at (its filter does not apply).
    const sql = render ? await render(query, source) : query;
    const row = (await db.query(`WITH source_query AS (\n${sql}\n) SELECT epoch_ms((SELECT * FROM source_query)) AS max_ms, epoch_ms(now()) AS now_ms`)).rows[0];
    return { maxMs: row.max_ms === null ? null : Number(row.max_ms), nowMs: Number(row.now_ms), basis: 'loaded_at_query' };
  }
  const field = source.freshness?.loadedAtField;
  if (field) {
    const from = source.external?.sql ?? source.relation;
    const where = threshold.filter ? ` WHERE ${threshold.filter}` : '';
    // epoch_ms reads a TIMESTAMP (no zone) as UTC, as dbt does with a naive max_loaded_at.
    const sql = `SELECT epoch_ms(m) AS max_ms, epoch_ms(now()) AS now_ms FROM (SELECT max(${field}) AS m FROM ${from}${where})`;
    const row = (await db.query(sql)).rows[0];
    return { maxMs: row.max_ms === null ? null : Number(row.max_ms), nowMs: Number(row.now_ms), basis: 'loaded_at_field' };
  }
  if (source.format === undefined) {
    return `Could not compute freshness for source ${source.table}: no 'loaded_at_field' provided and duckdb adapter does not support metadata-based freshness checks.`;
  }
  // A bronze source: when its last load landed new data.
  const exists = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = '_medallion' AND table_name = 'source_loads'`);
  const row = exists.rows.length ? (await db.query(`SELECT epoch_ms(loaded_at) AS max_ms, epoch_ms(now()) AS now_ms FROM ${LOAD_STATE} WHERE relation = ?`, [source.relation])).rows[0] : undefined;
  if (!row || row.max_ms === null) return `The source ${source.source}.${source.table} has not been loaded yet (no loaded_at_field, and no load time recorded): run \`medallion run\` or \`medallion build\` first.`;
  return { maxMs: Number(row.max_ms), nowMs: Number(row.now_ms), basis: 'last load' };
}

/** What a check found, in words: 'newest row 5m ago (warn after 1 hour, error after 1 day)', or its error. */
export function freshnessSummary(r: FreshnessResult): string {
  if (r.status === 'runtime error') return r.error ?? '';
  const age = r.ageSeconds ?? 0;
  const found = age > 100 * 365 * 86400 ? 'no rows' : `${r.basis === 'last load' ? 'last loaded' : r.basis === 'loaded_at_query' ? 'loaded_at_query' : 'newest row'} ${formatAge(age)} ago`;
  const parts: string[] = [];
  const say = (name: string, t: FreshnessTime | null): void => {
    if (isSet(t)) parts.push(`${name} ${t.count} ${t.period}${t.count === 1 ? '' : 's'}`);
  };
  say('warn after', r.threshold.warnAfter);
  say('error after', r.threshold.errorAfter);
  return parts.length ? `${found} (${parts.join(', ')})` : found;
}

/** An age as a person reads it: 45s, 12m, 3h 5m, 2d 4h. */
export function formatAge(ageSeconds: number): string {
  const s = Math.max(0, Math.round(ageSeconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** Python's isoformat of a UTC datetime, as dbt writes max_loaded_at: 2026-01-02T03:04:05.678000+00:00. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  const iso = d.toISOString().replace(/^\+0*/, '');
  const [whole, frac] = iso.replace(/Z$/, '').split('.');
  const micro = frac && frac !== '000' ? `.${frac}000` : '';
  return `${whole.padStart(19, '0')}${micro}+00:00`;
}
