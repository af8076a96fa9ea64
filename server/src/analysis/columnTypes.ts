// The columns of a relation as far as they can be known before a model on it runs, each typed in the
// order a run types it: declared → the last build's catalog → inferred (a seed's CSV, a source's files) → unknown.
import type { Catalog } from './catalog.js';
import { relationKey } from '../../../runtime/engine/sql.js';
import type { Column, Node, Snapshot } from './snapshot.js';

/**
 * A relation's columns (a column without a type is unknown until built), or undefined when nothing
 * names them for certain: a source never built whose files or table Medallion has not read, a model
 * that did not bind. `bound` is a model's own binding, `sniffed` a source's columns read from its
 * files (fileSchema.ts). Documentation alone (schema YAML columns without an enforced contract) never
 * names a relation's columns: it may list only some of them.
 */
export function relationColumns(snap: Snapshot, node: Node, catalog: Catalog, bound: Column[] | undefined, sniffed?: Column[]): Column[] | undefined {
  const built = catalog.get(relationKey(node.relation));
  const builtType = (name: string): string | undefined => find(built, name)?.type;
  const declared = snap.declaredColumns(node);
  if (node.kind === 'seed') {
    if (!node.columns?.length) return built;
    return node.columns.map((name) => ({ name, type: find(declared, name)?.type ?? builtType(name) ?? node.inferredTypes[name] }));
  }
  if (node.kind === 'source') {
    // A pipeline.yml source with columns loads exactly those, an untyped one as VARCHAR (bronze.ts);
    // any other source is what the warehouse has, else what its files give (read as the run reads them).
    if (node.format && declared.length) return declared.map((c) => ({ name: c.name, type: c.type ?? builtType(c.name) ?? 'VARCHAR' }));
    return (built ?? sniffed)?.map((c) => ({ name: c.name, type: find(declared, c.name)?.type ?? c.type }));
  }
  if ((node.config.contractEnforced || node.spec?.contractEnforced) && declared.length) return declared.map((c) => ({ name: c.name, type: c.type ?? find(bound, c.name)?.type ?? builtType(c.name) }));
  return bound && boundColumns(node, catalog, bound);
}

/** A model's bound columns, a type its binding could not know taken from the last build. */
export function boundColumns(node: Node, catalog: Catalog, bound: Column[]): Column[] {
  const built = catalog.get(relationKey(node.relation));
  return bound.map((c) => ({ name: c.name, type: c.type ?? find(built, c.name)?.type }));
}

function find<T extends { name: string }>(columns: T[] | undefined, name: string): T | undefined {
  const lower = name.toLowerCase();
  return columns?.find((c) => c.name.toLowerCase() === lower);
}
