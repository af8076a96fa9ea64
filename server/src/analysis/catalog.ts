// The last build's relations and column types, read from target/catalog.json in dbt's format (as
// runtime/run/catalog.ts writes it after a run, or `dbt docs generate` does). Keys are relationKey()s.
import type { ColumnInfo } from '../../../runtime/engine/adapter.js';

export type Catalog = Map<string, ColumnInfo[]>;

/** Never throws: a catalog that does not parse is an empty one. */
export function readCatalog(text: string): Catalog {
  const catalog: Catalog = new Map();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    return catalog;
  }
  for (const group of [json?.nodes, json?.sources]) {
    if (!group || typeof group !== 'object') continue;
    for (const table of Object.values<any>(group)) {
      const { schema, name } = table?.metadata ?? {};
      if (typeof schema !== 'string' || typeof name !== 'string' || !table.columns || typeof table.columns !== 'object') continue;
      const columns = Object.values<any>(table.columns)
        .filter((c) => typeof c?.name === 'string' && typeof c?.type === 'string')
        .sort((a, b) => Number(a.index) - Number(b.index))
        .map((c) => ({ name: String(c.name), type: String(c.type) }));
      catalog.set(`${schema.toLowerCase()}.${name.toLowerCase()}`, columns);
    }
  }
  return catalog;
}
