// Column-level lineage: which upstream columns an output column of a model is computed from, read
// from DuckDB's own parse tree of the compiled SQL (json_serialize_sql), through CTEs, subqueries,
// joins, unions, `*` (exclude, replace, columns('regex')) and ephemeral models, back to the bronze sources.
import { relationKey } from '../../../runtime/engine/sql.js';
import type { Snapshot } from './snapshot.js';

export interface ColumnRef {
  node: string;
  column: string;
}

export interface ColumnEdge {
  from: ColumnRef;
  to: ColumnRef;
}

type Ast = Record<string, any>;

interface Scope {
  ctes: Map<string, Ast>;
}

/** The edges into `column` of model `id` and, recursively, into its inputs; bounded by `depth` models. */
export async function columnLineage(snap: Snapshot, id: string, column: string, depth = 20): Promise<ColumnEdge[]> {
  const edges: ColumnEdge[] = [];
  const seen = new Set<string>();
  const queue: Array<{ ref: ColumnRef; level: number }> = [{ ref: { node: id, column }, level: 0 }];
  while (queue.length) {
    const { ref, level } = queue.shift()!;
    const key = `${ref.node}\0${ref.column.toLowerCase()}`;
    if (seen.has(key) || level >= depth) continue;
    seen.add(key);
    for (const from of await directInputs(snap, ref.node, ref.column)) {
      edges.push({ from, to: ref });
      queue.push({ ref: from, level: level + 1 });
    }
  }
  return edges;
}

/**
 * The upstream columns one output column of one model reads directly. Empty for sources and seeds,
 * and in an untrusted workspace (it needs the rendered SQL).
 */
export async function directInputs(snap: Snapshot, id: string, column: string): Promise<ColumnRef[]> {
  if (!snap.trusted || snap.node(id)?.kind !== 'model') return [];
  const compiled = await snap.bindings.compiled(id);
  if (!compiled) return [];
  const ast = await snap.bindings.parseTree(compiled.sql);
  const root = ast?.statements?.[0]?.node;
  if (!root) return [];
  const resolver = new Resolver(snap);
  return dedupe(resolver.output(root, column, { ctes: new Map() }, 0));
}

class Resolver {
  private readonly byRelation = new Map<string, string>();

  constructor(private readonly snap: Snapshot) {
    for (const n of snap.graph.nodes.values()) if (n.kind !== 'test') this.byRelation.set(relationKey(n.relation), n.id);
  }

  /** Inputs of the output column `column` of a query node. */
  output(node: Ast, column: string, outer: Scope, level: number): ColumnRef[] {
    if (!node || level > 30) return [];
    const scope: Scope = { ctes: new Map(outer.ctes) };
    for (const entry of node.cte_map?.map ?? []) scope.ctes.set(String(entry.key).toLowerCase(), entry.value?.query?.node);
    if (node.type === 'SET_OPERATION_NODE') {
      const index = outputNames(node.left).findIndex((n) => n === column.toLowerCase());
      const right = index >= 0 ? outputNames(node.right)[index] : undefined;
      return [...this.output(node.left, column, scope, level + 1), ...(right ? this.output(node.right, right, scope, level + 1) : [])];
    }
    if (node.type !== 'SELECT_NODE') return [];
    const tables = fromTables(node.from_table);
    const wanted = column.toLowerCase();
    const item = (node.select_list as Ast[]).find((e) => outputName(e) === wanted);
    if (item) return columnRefs(item).flatMap((names) => this.column(names, tables, scope, level));
    // Not named explicitly: a `*` (or `alias.*`, `* exclude (…)`, `* replace (…)`, `columns('regex')`) passes it through from a table that has it.
    for (const star of (node.select_list as Ast[]).filter((e) => e.class === 'STAR')) {
      if (!starKeeps(star, wanted)) continue;
      const candidates = star.relation_name ? tables.filter((t) => t.alias === String(star.relation_name).toLowerCase()) : tables;
      const replaced = (star.replace_list as Ast[] | undefined)?.find((r) => String(r.key).toLowerCase() === wanted);
      if (replaced) return columnRefs(replaced.value).flatMap((names) => this.column(names, tables, scope, level));
      const found = this.column([column], candidates, scope, level);
      if (found.length) return found;
    }
    return [];
  }

  /** A column reference (optionally qualified) resolved against the FROM tables of its query. */
  private column(names: string[], tables: FromTable[], scope: Scope, level: number): ColumnRef[] {
    const column = names[names.length - 1];
    const qualifier = names.length > 1 ? names[names.length - 2].toLowerCase() : undefined;
    const candidates = qualifier ? tables.filter((t) => t.alias === qualifier) : tables;
    for (const table of candidates) {
      const found = this.fromTable(table, column, scope, level);
      if (found.length || candidates.length === 1) return found;
    }
    return [];
  }

  private fromTable(table: FromTable, column: string, scope: Scope, level: number): ColumnRef[] {
    if (table.subquery) return this.output(table.subquery, column, scope, level + 1);
    // An ephemeral model is inlined as the CTE __dbt__cte__<name>: the column comes from that model.
    const ephemeral = table.schema ? undefined : /^__dbt__cte__(.+)$/.exec(table.name)?.[1];
    if (ephemeral && this.snap.graph.nodes.has(`model.${ephemeral}`)) return [{ node: `model.${ephemeral}`, column }];
    const cte = table.schema ? undefined : scope.ctes.get(table.name);
    if (cte) return this.output(cte, column, scope, level + 1);
    const id = this.byRelation.get(`${table.schema || 'main'}.${table.name}`);
    if (!id) return [];
    const known = this.snap.columns(id);
    const match = known.find((c) => c.name.toLowerCase() === column.toLowerCase());
    return known.length === 0 || match ? [{ node: id, column: match?.name ?? column }] : [];
  }
}

interface FromTable {
  alias: string;
  schema: string;
  name: string;
  subquery?: Ast;
}

function fromTables(from: Ast | null): FromTable[] {
  if (!from) return [];
  if (from.type === 'JOIN') return [...fromTables(from.left), ...fromTables(from.right)];
  if (from.type === 'BASE_TABLE') {
    const name = String(from.table_name).toLowerCase();
    return [{ alias: String(from.alias || from.table_name).toLowerCase(), schema: String(from.schema_name ?? '').toLowerCase(), name }];
  }
  if (from.type === 'SUBQUERY') return [{ alias: String(from.alias).toLowerCase(), schema: '', name: '', subquery: from.subquery?.node }];
  return [];
}

/** Whether a star expression outputs `wanted` (lower case): not excluded, and matched by a columns('regex'). */
function starKeeps(star: Ast, wanted: string): boolean {
  const excluded = [...(star.exclude_list ?? []), ...(star.qualified_exclude_list ?? [])].map((x: unknown) => {
    const names = typeof x === 'string' ? [x] : ((x as Ast)?.column_names ?? []);
    return String(names[names.length - 1] ?? '').toLowerCase();
  });
  if (excluded.includes(wanted)) return false;
  const pattern = star.columns && star.expr?.class === 'CONSTANT' ? star.expr.value?.value : undefined;
  if (typeof pattern !== 'string') return true;
  try {
    return new RegExp(pattern, 'i').test(wanted);
  } catch {
    return true;
  }
}

function outputName(e: Ast): string | undefined {
  if (e.alias) return String(e.alias).toLowerCase();
  if (e.class === 'COLUMN_REF') return String(e.column_names[e.column_names.length - 1]).toLowerCase();
  return undefined;
}

function outputNames(node: Ast): string[] {
  if (node?.type === 'SET_OPERATION_NODE') return outputNames(node.left);
  return ((node?.select_list ?? []) as Ast[]).map((e) => outputName(e) ?? '');
}

/** Every column reference inside an expression (skipping nested subqueries' own scopes). */
function columnRefs(e: unknown): string[][] {
  if (!e || typeof e !== 'object') return [];
  if (Array.isArray(e)) return e.flatMap(columnRefs);
  const o = e as Ast;
  if (o.class === 'COLUMN_REF') return [o.column_names as string[]];
  if (o.class === 'SUBQUERY') return [];
  return Object.values(o).flatMap(columnRefs);
}

function dedupe(refs: ColumnRef[]): ColumnRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.node}\0${r.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

