// The last run per node and for the whole project, read from target/run_results.json in dbt's format
// (unique_id, adapter_response; both dbt and Medallion write it), keyed by Medallion's node ids; the
// runner's own RunResults shape (runtime/run/types.ts) is read too.

export interface LastRun {
  status: string;
  rows?: number;
  at?: string;
  elapsedMs?: number;
}

export interface RunSummary {
  status: 'success' | 'error';
  at: string;
  elapsedMs: number;
  nodes: number;
}

export interface RunHistory {
  byId: Map<string, LastRun>;
  summary?: RunSummary;
}

export function readRunResults(text: string): RunHistory {
  const byId = new Map<string, LastRun>();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    return { byId };
  }
  const at: string | undefined = json?.startedAt ?? json?.metadata?.generated_at;
  const results: any[] = Array.isArray(json?.results) ? json.results : [];
  for (const r of results) {
    const id = r?.id ?? (typeof r?.unique_id === 'string' ? nodeId(r.unique_id) : undefined);
    if (typeof id !== 'string') continue;
    const rows = r.rows ?? r.adapter_response?.rows_affected ?? r.failures;
    const ms = r.ms ?? (typeof r.execution_time === 'number' ? Math.round(r.execution_time * 1000) : undefined);
    byId.set(id, {
      status: String(r.status ?? 'unknown'),
      ...(typeof rows === 'number' ? { rows } : {}),
      ...(at ? { at } : {}),
      ...(typeof ms === 'number' ? { elapsedMs: ms } : {}),
    });
  }
  const failed = results.some((r) => r?.status === 'error' || r?.status === 'fail');
  const success = typeof json?.success === 'boolean' ? json.success : !failed;
  const elapsed = json?.elapsedMs ?? (typeof json?.elapsed_time === 'number' ? Math.round(json.elapsed_time * 1000) : 0);
  const summary = at ? { status: success ? 'success' as const : 'error' as const, at, elapsedMs: elapsed, nodes: results.length } : undefined;
  return { byId, ...(summary ? { summary } : {}) };
}

/** Medallion's id of a dbt unique_id: the package left out, and a test's hash ('test.shop.unique_x.1a2b' → 'test.unique_x'). */
function nodeId(uniqueId: string): string {
  const [type, , ...rest] = uniqueId.split('.');
  return type === 'test' ? `test.${rest[0]}` : [type, ...rest].join('.');
}
