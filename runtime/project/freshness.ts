// A source table's freshness as dbt reads it: `loaded_at_field` and `freshness: {warn_after, error_after,
// filter}` at source and table level (top-level and under `config:`), merged as dbt-core 1.10 merges them.
import type { Diagnostic, Range } from './types.js';
import { get, getPair, pairsOf, rangeOf, type YamlNode } from './yamlDoc.js';

export type FreshnessPeriod = 'minute' | 'hour' | 'day';

/** dbt's `Time`: a threshold only counts when both are set. */
export interface FreshnessTime {
  count?: number;
  period?: FreshnessPeriod;
}

/** dbt's `FreshnessThreshold`; `null` is a threshold written as null (it turns the inherited one off). */
export interface FreshnessThreshold {
  warnAfter: FreshnessTime | null;
  errorAfter: FreshnessTime | null;
  filter?: string;
}

/** What a source table carries: set only when the merged threshold has a warn_after or error_after. */
export interface SourceFreshness {
  loadedAtField?: string;
  /** dbt 1.10's `loaded_at_query`: a query (Jinja) whose single value is the newest load time; wins over loadedAtField. */
  loadedAtQuery?: string;
  threshold?: FreshnessThreshold;
}

const PERIODS: readonly string[] = ['minute', 'hour', 'day'];
const SECONDS: Record<FreshnessPeriod, number> = { minute: 60, hour: 3600, day: 86400 };
const KEYS = new Set(['warn_after', 'error_after', 'filter']);

/** dbt's `Time.__bool__`. */
export function isSet(t: FreshnessTime | null | undefined): t is Required<FreshnessTime> {
  return !!t && t.count !== undefined && t.period !== undefined;
}

/** dbt's `FreshnessThreshold.__bool__`. */
export function isActive(t: FreshnessThreshold | null | undefined): t is FreshnessThreshold {
  return !!t && (isSet(t.warnAfter) || isSet(t.errorAfter));
}

/** The threshold's length in seconds (dbt: timedelta of count periods). */
export function seconds(t: Required<FreshnessTime>): number {
  return t.count * SECONDS[t.period];
}

/** dbt's `FreshnessThreshold.status`: error before warn, and only strictly older than the threshold. */
export function freshnessStatus(threshold: FreshnessThreshold, ageSeconds: number): 'pass' | 'warn' | 'error' {
  if (isSet(threshold.errorAfter) && ageSeconds > seconds(threshold.errorAfter)) return 'error';
  if (isSet(threshold.warnAfter) && ageSeconds > seconds(threshold.warnAfter)) return 'warn';
  return 'pass';
}

/** A source entry and one of its tables (for pipeline.yml, the source alone): their merged freshness. */
export function parseFreshness(file: string, source: YamlNode, table: YamlNode, diagnostics: Diagnostic[]): SourceFreshness {
  const levels = [source, get(source, 'config'), table, get(table, 'config')];
  // Absent is dbt's default threshold (empty, so it inherits); null stays null (it turns freshness off).
  const found: Diagnostic[] = [];
  const thresholds = levels.map((n) => (n === undefined ? EMPTY() : readThreshold(file, getPair(n, 'freshness'), found)));
  // The source's own levels are read again for each of its tables: report their problems once.
  const seen = (d: Diagnostic): boolean => diagnostics.some((o) => o.file === d.file && o.range.start === d.range.start && o.message === d.message);
  diagnostics.push(...found.filter((d) => !seen(d)));
  const threshold = thresholds.reduce<FreshnessThreshold | null>((base, update, i) => (i === 0 ? update : mergeThreshold(base, update)), null);
  const loadedAtField = loadedAt(table) ?? (table !== undefined && hasKey(table, 'loaded_at_field') ? undefined : loadedAt(source));
  const loadedAtQuery = loadedAtQueryOf(file, source, table, diagnostics);
  return { ...(loadedAtField ? { loadedAtField } : {}), ...(loadedAtQuery ? { loadedAtQuery } : {}), ...(isActive(threshold) ? { threshold } : {}) };
}

/**
 * dbt's `calculate_loaded_at_field_query_from_raw_target`: the table's loaded_at_query, else (unless the
 * table writes loaded_at_field) the source's; a level with both keys is an error at its loaded_at_query.
 */
function loadedAtQueryOf(file: string, source: YamlNode, table: YamlNode, diagnostics: Diagnostic[]): string | undefined {
  const query = (node: YamlNode): YamlNode => {
    const own = get(node, 'loaded_at_query');
    return own !== undefined && own.value !== null ? own : get(get(node, 'config'), 'loaded_at_query');
  };
  for (const [level, name] of [[table, 'table'], [source, 'source']] as const) {
    const q = query(level);
    if (!q || q.value === null) continue;
    const both = name === 'table' ? hasKey(level, 'loaded_at_field') : loadedAt(level) !== undefined;
    if (both && !diagnostics.some((d) => d.file === file && d.range.start === rangeOf(q).start)) {
      diagnostics.push({ file, range: rangeOf(q), severity: 'error', message: `Cannot specify both loaded_at_field and loaded_at_query at ${name} level`, code: 'bad-freshness' });
    }
    if (typeof q.value !== 'string' || !q.value.trim()) {
      if (!diagnostics.some((d) => d.file === file && d.range.start === rangeOf(q).start)) diagnostics.push({ file, range: rangeOf(q), severity: 'error', message: 'loaded_at_query must be a SQL query (a string)', code: 'bad-freshness' });
    }
  }
  const own = query(table)?.value;
  if (typeof own === 'string' && own.trim()) return own;
  if (own !== undefined && own !== null) return undefined;
  if (table !== undefined && hasKey(table, 'loaded_at_field')) return undefined;
  const inherited = query(source)?.value;
  return typeof inherited === 'string' && inherited.trim() ? inherited : undefined;
}

function EMPTY(): FreshnessThreshold {
  return { warnAfter: {}, errorAfter: {} };
}

/** loaded_at_field at a level: the entry's own or its config's. */
function loadedAt(node: YamlNode): string | undefined {
  const own = get(node, 'loaded_at_field');
  const value = own?.value ?? get(get(node, 'config'), 'loaded_at_field')?.value;
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** dbt's `loaded_at_field_present`: a table writing `loaded_at_field: null` does not inherit the source's. */
function hasKey(node: YamlNode, key: string): boolean {
  return getPair(node, key) !== undefined;
}

function readThreshold(file: string, pair: ReturnType<typeof getPair>, diagnostics: Diagnostic[]): FreshnessThreshold | null {
  if (!pair) return EMPTY();
  const node = pair.value;
  if (!node || node.value === null) return null;
  if (node.kind !== 'map') {
    diagnostics.push({ file, range: rangeOf(node), severity: 'error', message: "'freshness' must be a map with warn_after, error_after and filter (or null to turn it off)", code: 'bad-freshness' });
    return EMPTY();
  }
  for (const p of pairsOf(node)) {
    if (!KEYS.has(p.key)) diagnostics.push({ file, range: p.keyRange, severity: 'error', message: `Unknown freshness key '${p.key}': expected warn_after, error_after or filter`, code: 'bad-freshness' });
  }
  const filter = get(node, 'filter')?.value;
  if (filter !== undefined && filter !== null && typeof filter !== 'string') {
    diagnostics.push({ file, range: rangeOf(get(node, 'filter')), severity: 'error', message: "freshness 'filter' must be a SQL condition (a string)", code: 'bad-freshness' });
  }
  return {
    warnAfter: readTime(file, getPair(node, 'warn_after'), diagnostics),
    errorAfter: readTime(file, getPair(node, 'error_after'), diagnostics),
    ...(typeof filter === 'string' ? { filter } : {}),
  };
}

function readTime(file: string, pair: ReturnType<typeof getPair>, diagnostics: Diagnostic[]): FreshnessTime | null {
  if (!pair) return {};
  const node = pair.value;
  if (!node || node.value === null) return null;
  const bad = (n: YamlNode | Range, message: string): void => {
    diagnostics.push({ file, range: n && 'start' in n ? n : rangeOf(n), severity: 'error', message, code: 'bad-freshness' });
  };
  if (node.kind !== 'map') {
    bad(node, `'${pair.key}' must be a map: {count: 12, period: hour}`);
    return {};
  }
  const out: FreshnessTime = {};
  const count = get(node, 'count');
  if (count && count.value !== null) {
    if (typeof count.value === 'number' && Number.isInteger(count.value) && count.value >= 0) out.count = count.value;
    else bad(count, `${pair.key} count must be a whole number, not ${JSON.stringify(count.value)}`);
  }
  const period = get(node, 'period');
  if (period && period.value !== null) {
    if (typeof period.value === 'string' && PERIODS.includes(period.value)) out.period = period.value as FreshnessPeriod;
    else bad(period, `Unknown ${pair.key} period ${JSON.stringify(period.value)}: expected minute, hour or day`);
  }
  for (const p of pairsOf(node)) if (p.key !== 'count' && p.key !== 'period') bad(p.keyRange, `Unknown key '${p.key}' in ${pair.key}: expected count and period`);
  if ((out.count === undefined) !== (out.period === undefined) && [count, period].every((n) => n === undefined || typeof n.value !== 'string' || PERIODS.includes(n.value))) {
    // dbt merges a threshold only when both are written: a lone count or period changes nothing.
    diagnostics.push({ file, range: pair.keyRange, severity: 'warning', message: `${pair.key} without both count and period is ignored (dbt keeps the inherited one)`, code: 'freshness-partial' });
  }
  return out;
}

/** dbt's `merge_source_freshness`, one pair at a time. */
function mergeThreshold(base: FreshnessThreshold | null, update: FreshnessThreshold | null): FreshnessThreshold | null {
  if (base && update) {
    const filter = update.filter ?? base.filter;
    return { warnAfter: mergeTime(base.warnAfter, update.warnAfter), errorAfter: mergeTime(base.errorAfter, update.errorAfter), ...(filter !== undefined ? { filter } : {}) };
  }
  if (!base && isActive(update)) return update;
  return null;
}

/** dbt's `merge_freshness_time_thresholds`. */
function mergeTime(base: FreshnessTime | null, update: FreshnessTime | null): FreshnessTime | null {
  if (isSet(base) && isSet(update)) return { ...base, ...update };
  if (update === null) return null;
  return isSet(update) ? update : base;
}
