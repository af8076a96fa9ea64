// Source freshness from a tool's target/sources.json (dbt's schema v3), keyed `source.<source>.<table>`
// (the package left out, so dbt's `source.shop.crm.orders` and Medallion's meet), and where the two
// tools' max_loaded_at differ as instants.
import type { Statuses } from './statuses.js';

interface FreshnessResult {
  unique_id?: string;
  status?: string;
  max_loaded_at?: string | null;
}

/** `source.pkg.crm.orders` → `source.crm.orders`. */
export function keyOfSourceId(uniqueId: string): string {
  const [type, , ...rest] = uniqueId.split('.');
  return [type, ...rest].join('.');
}

function resultsOf(sourcesJson: unknown): FreshnessResult[] {
  return ((sourcesJson as { results?: FreshnessResult[] } | undefined)?.results ?? []).filter((r) => typeof r.unique_id === 'string');
}

/** Each checked source's status, in dbt's words: pass, warn, error, runtime error. */
export function freshnessStatuses(sourcesJson: unknown): Statuses {
  return new Map(resultsOf(sourcesJson).map((r) => [keyOfSourceId(r.unique_id!), String(r.status)]));
}

/** The sources both tools found a max_loaded_at for, where the two are not the same instant (to the millisecond). */
export function loadedAtDifferences(theirs: unknown, ours: unknown): Array<{ node: string; detail: string }> {
  const loadedAt = (json: unknown): Map<string, string> =>
    new Map(resultsOf(json).flatMap((r) => (typeof r.max_loaded_at === 'string' ? [[keyOfSourceId(r.unique_id!), r.max_loaded_at] as const] : [])));
  const mine = loadedAt(ours);
  const out: Array<{ node: string; detail: string }> = [];
  for (const [node, a] of [...loadedAt(theirs)].sort(([x], [y]) => x.localeCompare(y))) {
    const b = mine.get(node);
    if (b !== undefined && instant(a) !== instant(b)) out.push({ node, detail: `dbt ${a}, Medallion ${b}` });
  }
  return out;
}

/** Epoch milliseconds of an ISO time; Python's microseconds (`.123456`) are cut to milliseconds, as Date keeps them. */
function instant(iso: string): number {
  return Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
}
