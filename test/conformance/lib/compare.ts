// Compares what dbt and Medallion left after one step: every relation (presence, table/view, column
// names, column types, row count, checksum of the rows) and every node's status (after `source
// freshness`, every source's status and max_loaded_at). dbt is the oracle.
import { loadedAtDifferences } from './sources.js';
import type { DifferenceKind, ExpectedDifference, Spec } from './spec.js';
import type { Statuses } from './statuses.js';
import { artifactOf, type ToolRun } from './tools.js';
import type { Relation, Warehouse } from './warehouse.js';

export interface Difference {
  step: number;
  what: DifferenceKind;
  relation?: string;
  node?: string;
  column?: string;
  detail: string;
}

export interface StepComparison {
  step: number;
  relations: number;
  relationsIdentical: number;
  nodes: number;
  nodesAgreeing: number;
  differences: Difference[];
}

const SHOWN_ROWS = 3;
/**
 * Medallion's own bookkeeping (bronze load state, runtime/run/bronze.ts), documented in the README;
 * not a relation of the user's project, so not compared.
 */
const MEDALLION_SCHEMA = '_medallion.';

export async function compareStep(
  spec: Spec,
  step: number,
  runs: { dbt: ToolRun; medallion: ToolRun },
  warehouses: { dbt: Warehouse; medallion: Warehouse },
  statuses: { dbt: Statuses; medallion: Statuses },
): Promise<StepComparison> {
  const differences: Difference[] = [];
  const add = (d: Omit<Difference, 'step'>): number => differences.push({ step, ...d });
  for (const run of [runs.dbt, runs.medallion]) {
    const artifact = artifactOf(run);
    if (artifact.json === undefined) add({ what: 'run', detail: `${run.tool} wrote no ${artifact.file} (exit ${run.code}):\n${tail(run.output)}` });
  }

  const theirs = new Map((await warehouses.dbt.relations()).map((r) => [r.key, r]));
  const ours = new Map((await warehouses.medallion.relations()).filter((r) => !r.key.startsWith(MEDALLION_SCHEMA)).map((r) => [r.key, r]));
  let identical = 0;
  for (const key of [...new Set([...theirs.keys(), ...ours.keys()])].sort()) {
    const a = theirs.get(key);
    const b = ours.get(key);
    if (!a || !b) {
      add({ what: 'missing', relation: key, detail: a ? `only dbt built ${key} (${a.kind})` : `only Medallion built ${key} (${b!.kind})` });
      continue;
    }
    const before = differences.length;
    await compareRelation(spec, a, b, warehouses, (d) => add({ relation: key, ...d }));
    if (differences.length === before) identical++;
  }

  // A source agrees when its freshness status and its max_loaded_at do.
  const loadedAt = loadedAtDifferences(runs.dbt.sources, runs.medallion.sources);
  for (const d of loadedAt) add({ what: 'max_loaded_at', ...d });
  let agreeing = 0;
  const nodes = [...new Set([...statuses.dbt.keys(), ...statuses.medallion.keys()])].sort();
  for (const node of nodes) {
    const a = statuses.dbt.get(node) ?? 'absent';
    const b = statuses.medallion.get(node) ?? 'absent';
    if (a !== b) add({ what: 'status', node, detail: `dbt ${a}, Medallion ${b}` });
    else if (!loadedAt.some((d) => d.node === node)) agreeing++;
  }
  return { step, relations: theirs.size, relationsIdentical: identical, nodes: nodes.length, nodesAgreeing: agreeing, differences };
}

async function compareRelation(
  spec: Spec,
  a: Relation,
  b: Relation,
  warehouses: { dbt: Warehouse; medallion: Warehouse },
  add: (d: Omit<Difference, 'step' | 'relation'>) => void,
): Promise<void> {
  if (a.kind !== b.kind) add({ what: 'kind', detail: `dbt ${a.kind}, Medallion ${b.kind}` });
  const names = (r: Relation): string => r.columns.map((c) => c.name).join(', ');
  if (names(a) !== names(b)) add({ what: 'columns', detail: `dbt (${names(a)}), Medallion (${names(b)})` });
  const typeOf = new Map(b.columns.map((c) => [c.name, c.type]));
  for (const c of a.columns) {
    const other = typeOf.get(c.name);
    if (other !== undefined && other !== c.type) add({ what: 'type', column: c.name, detail: `dbt ${c.type}, Medallion ${other}` });
  }
  const ignored = new Set(spec.ignoreColumns.filter((i) => i.relation === a.key).map((i) => i.column));
  const common = a.columns.map((c) => c.name).filter((n) => typeOf.has(n) && !ignored.has(n));
  const [da, db] = [await warehouses.dbt.digest(a.key, common), await warehouses.medallion.digest(b.key, common)];
  if (da.rows !== db.rows) add({ what: 'rows', detail: `dbt ${da.rows} rows, Medallion ${db.rows}` });
  else if (da.checksum !== db.checksum) {
    const sample = await rowDifference(warehouses, a.key, common);
    add({ what: 'checksum', detail: `the rows differ (columns ${common.join(', ')}):\n${sample}` });
  }
}

/** A few rows only dbt has and a few only Medallion has, as JSON lists of the values as text. */
async function rowDifference(warehouses: { dbt: Warehouse; medallion: Warehouse }, key: string, columns: string[]): Promise<string> {
  const count = (rows: string[]): Map<string, number> => rows.reduce((m, r) => m.set(r, (m.get(r) ?? 0) + 1), new Map<string, number>());
  const [theirs, ours] = [count(await warehouses.dbt.rows(key, columns)), count(await warehouses.medallion.rows(key, columns))];
  const only = (x: Map<string, number>, y: Map<string, number>): string[] => [...x].filter(([r, n]) => (y.get(r) ?? 0) < n).map(([r]) => r);
  const show = (rows: string[]): string => rows.slice(0, SHOWN_ROWS).join('\n    ') + (rows.length > SHOWN_ROWS ? `\n    … ${rows.length - SHOWN_ROWS} more` : '');
  return `  only in dbt:\n    ${show(only(theirs, ours))}\n  only in Medallion:\n    ${show(only(ours, theirs))}`;
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Whether a declared expected difference covers an actual one; a name ending in `*` matches by prefix. */
export function covers(e: ExpectedDifference, d: Difference): boolean {
  const match = (want: string | undefined, got: string | undefined): boolean =>
    want === undefined || want === got || (want.endsWith('*') && got !== undefined && got.startsWith(want.slice(0, -1)));
  return e.what === d.what && (e.step === undefined || e.step === d.step) && match(e.relation, d.relation) && match(e.node, d.node) && match(e.column, d.column);
}

export function describe(d: Difference): string {
  const where = [d.relation ?? d.node, d.column && `column ${d.column}`].filter(Boolean).join(', ');
  return `step ${d.step}: ${d.what}${where ? ` (${where})` : ''}: ${d.detail}`;
}
