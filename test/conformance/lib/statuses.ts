// Node statuses from a tool's run_results.json, keyed `<resource type>.<name>` (the package and
// dbt's test hash left out, so dbt's `test.shop.unique_orders_id.1a2b3c` and Medallion's
// `test.unique_orders_id` meet). Statuses are dbt's words: tests pass/fail/warn/error, others success/error, skipped.

export type Statuses = Map<string, string>;

interface Result {
  unique_id?: string;
  id?: string;
  kind?: string;
  name?: string;
  status?: string;
}

/** The key of a dbt unique_id: `model.pkg.name` → `model.name`, `test.pkg.name.hash` → `test.name`, `unit_test.pkg.model.name` → `unit_test.model.name`. */
export function keyOfUniqueId(uniqueId: string): string {
  const [type, , name, test] = uniqueId.split('.');
  // A unit test is named within its model: `unit_test.pkg.model.name` → `unit_test.model.name`.
  if (type === 'unit_test' && test !== undefined) return `${type}.${name}.${test}`;
  return `${type}.${name ?? type}`;
}

export function statuses(runResults: unknown): Statuses {
  const out: Statuses = new Map();
  const results = (runResults as { results?: Result[] } | undefined)?.results ?? [];
  for (const r of results) {
    let key: string;
    if (r.unique_id) key = keyOfUniqueId(r.unique_id);
    else if (r.kind && r.name) key = `${r.kind}.${r.name}`;
    else if (r.id) key = r.id;
    else continue;
    // Medallion reports pipeline.yml sources it loaded; dbt has no such node.
    if (key.startsWith('source.')) continue;
    let status = String(r.status);
    // Medallion's run_results say 'success' for a passing test where dbt's say 'pass'.
    if (key.startsWith('test.') && status === 'success') status = 'pass';
    out.set(key, status);
  }
  return out;
}
