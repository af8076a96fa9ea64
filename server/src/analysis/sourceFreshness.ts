// The last `source freshness` per source, read from target/sources.json in dbt's format (schema v3;
// dbt and Medallion both write it), keyed by Medallion's source ids ('source.<source>.<table>').

export interface LastFreshness {
  /** pass, warn, error or runtime error, as dbt words it. */
  status: string;
  maxLoadedAt?: string;
  ageSeconds?: number;
  /** When the check ran (snapshotted_at, else the file's generated_at). */
  at?: string;
  error?: string;
  criteria?: string;
}

/** Never throws: a broken or foreign file reads as no results. */
export function readSourcesJson(text: string): Map<string, LastFreshness> {
  const byId = new Map<string, LastFreshness>();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    return byId;
  }
  const generated: string | undefined = typeof json?.metadata?.generated_at === 'string' ? json.metadata.generated_at : undefined;
  for (const r of Array.isArray(json?.results) ? json.results : []) {
    if (typeof r?.unique_id !== 'string' || typeof r.status !== 'string') continue;
    // 'source.<package>.<source>.<table>' → 'source.<source>.<table>'.
    const [, , ...rest] = r.unique_id.split('.');
    const at = typeof r.snapshotted_at === 'string' ? r.snapshotted_at : generated;
    byId.set(['source', ...rest].join('.'), {
      status: r.status,
      ...(typeof r.max_loaded_at === 'string' ? { maxLoadedAt: r.max_loaded_at } : {}),
      ...(typeof r.max_loaded_at_time_ago_in_s === 'number' ? { ageSeconds: r.max_loaded_at_time_ago_in_s } : {}),
      ...(at ? { at } : {}),
      ...(typeof r.error === 'string' ? { error: r.error } : {}),
      ...(criteriaText(r.criteria) ? { criteria: criteriaText(r.criteria) } : {}),
    });
  }
  return byId;
}

function criteriaText(c: any): string | undefined {
  const one = (name: string, t: any): string | undefined => (typeof t?.count === 'number' && typeof t?.period === 'string' ? `${name} ${t.count} ${t.period}${t.count === 1 ? '' : 's'}` : undefined);
  const parts = [one('warn after', c?.warn_after), one('error after', c?.error_after)].filter((p): p is string => p !== undefined);
  return parts.length ? parts.join(', ') : undefined;
}

/** The hover line: status, how old the newest row was and when that was checked. */
export function freshnessLine(f: LastFreshness): string {
  if (f.status === 'runtime error') return `**Freshness:** runtime error${f.at ? ` · ${f.at}` : ''}${f.error ? ` — ${f.error}` : ''}`;
  const age = f.ageSeconds === undefined ? '' : f.ageSeconds > 100 * 365 * 86400 ? ' · no rows' : ` · newest ${ageText(f.ageSeconds)} old`;
  return `**Freshness:** ${f.status}${age}${f.criteria ? ` (${f.criteria})` : ''}${f.at ? ` · checked ${f.at}` : ''}`;
}

function ageText(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
