// dbt node selection over the DAG: names and wildcards, tag:/path:/layer:/source:/resource_type:
// methods, graph operators (+name, name+, 2+name, name+1, @name), space = union, comma = intersection,
// and the definitions of selectors.yml (parsed in selectors.ts).
import picomatch from 'picomatch';
import { didYouMean, suggest } from '../project/config.js';
import type { Diagnostic, Result } from '../project/types.js';
import { nodeName, type Graph, type GraphNode } from './dag.js';
import type { SelectorExpr } from './selectors.js';

export interface Selection {
  select?: string[];
  exclude?: string[];
  /**
   * Tests attached to selected nodes: 'eager' adds a test when any parent is selected, 'cautious'
   * when all are (dbt's indirect selection). Default: only what the selectors name.
   */
  indirectTests?: 'eager' | 'cautious';
  /** A selectors.yml definition (--selector): as in dbt, it replaces select and exclude. */
  selector?: SelectorExpr;
}

export const METHODS = ['tag', 'path', 'layer', 'source', 'resource_type', 'fqn', 'config.materialized', 'test_type'];

/** The selected node ids, in topological order. Unknown methods and empty matches are diagnostics. */
export function selectNodes(graph: Graph, selection: Selection): Result<string[]> {
  const diagnostics: Diagnostic[] = [];
  const all = new Set(graph.nodes.keys());
  const selected = selection.selector
    ? evaluateSelector(graph, selection.selector, diagnostics)
    : selection.select && selection.select.length > 0 ? evaluate(graph, selection.select, diagnostics) : all;
  const excluded = !selection.selector && selection.exclude && selection.exclude.length > 0 ? evaluate(graph, selection.exclude, diagnostics) : new Set<string>();
  const result = new Set([...selected].filter((id) => !excluded.has(id)));
  if (selection.indirectTests) {
    for (const [id, node] of graph.nodes) {
      if (node.kind !== 'test' || result.has(id) || excluded.has(id)) continue;
      const parents = [...graph.parents.get(id)!];
      const hit = selection.indirectTests === 'eager' ? parents.some((p) => result.has(p)) : parents.length > 0 && parents.every((p) => result.has(p));
      if (hit) result.add(id);
    }
  }
  return { value: graph.order.filter((id) => result.has(id)), diagnostics };
}

/** A list of selector strings: each is space-separated unions of comma-separated intersections. */
function evaluate(graph: Graph, selectors: string[], diagnostics: Diagnostic[]): Set<string> {
  const out = new Set<string>();
  for (const term of selectors.flatMap((s) => s.split(/\s+/)).filter((t) => t !== '')) {
    let acc: Set<string> | undefined;
    for (const atom of term.split(',').filter((a) => a !== '')) {
      const ids = evaluateAtom(graph, atom, diagnostics);
      acc = acc === undefined ? ids : new Set([...acc].filter((id) => ids.has(id)));
    }
    for (const id of acc ?? []) out.add(id);
  }
  return out;
}

/** A selectors.yml definition: union or intersection of its items, less its `exclude` items. */
function evaluateSelector(graph: Graph, expr: SelectorExpr, diagnostics: Diagnostic[]): Set<string> {
  switch (expr.kind) {
    case 'spec':
      return evaluate(graph, [expr.text], diagnostics);
    case 'method': {
      const atom = `${expr.method}:${expr.value}`;
      return expand(graph, matchMethod(graph, atom, atom, diagnostics), expr.parents, expr.children, expr.childrensParents);
    }
    case 'union':
    case 'intersection': {
      const sets = expr.items.map((e) => evaluateSelector(graph, e, diagnostics));
      const joined = expr.kind === 'union'
        ? new Set(sets.flatMap((s) => [...s]))
        : sets.reduce((a, b) => new Set([...a].filter((id) => b.has(id))), sets[0] ?? new Set<string>());
      const excluded = new Set(expr.exclude.flatMap((e) => [...evaluateSelector(graph, e, diagnostics)]));
      return new Set([...joined].filter((id) => !excluded.has(id)));
    }
  }
}

function evaluateAtom(graph: Graph, atom: string, diagnostics: Diagnostic[]): Set<string> {
  const m = /^(@)?(?:(\d*)\+)?(.*?)(?:\+(\d*))?$/.exec(atom)!;
  const [, at, upDepth, body, downDepth] = m;
  const up = upDepth !== undefined ? depthOf(upDepth) : 0;
  const down = downDepth !== undefined ? depthOf(downDepth) : 0;
  return expand(graph, matchMethod(graph, body, atom, diagnostics), up, down, at !== undefined);
}

/** The seeds with `up` levels of ancestors, `down` levels of descendants, or (`at`) dbt's @: descendants and their ancestors. */
function expand(graph: Graph, seeds: Set<string>, up: number, down: number, at: boolean): Set<string> {
  const out = new Set(seeds);
  if (at) {
    const desc = walk(graph, seeds, 'children', Infinity);
    for (const id of desc) out.add(id);
    for (const id of walk(graph, desc, 'parents', Infinity)) out.add(id);
    return out;
  }
  if (up > 0) for (const id of walk(graph, seeds, 'parents', up)) out.add(id);
  if (down > 0) for (const id of walk(graph, seeds, 'children', down)) out.add(id);
  return out;
}

function depthOf(digits: string | undefined): number {
  return digits === undefined || digits === '' ? Infinity : Number(digits);
}

/** Nodes reachable from `from` within `max` steps (the start nodes included). */
export function walk(graph: Pick<Graph, 'parents' | 'children'>, from: Iterable<string>, dir: 'parents' | 'children', max: number): Set<string> {
  const seen = new Set(from);
  let frontier = [...seen];
  for (let step = 0; step < max && frontier.length > 0; step++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of graph[dir].get(id) ?? []) {
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

function matchMethod(graph: Graph, body: string, atom: string, diagnostics: Diagnostic[]): Set<string> {
  const colon = body.indexOf(':');
  const method = colon < 0 ? (body.includes('/') ? 'path' : 'name') : body.slice(0, colon);
  const value = colon < 0 ? body : body.slice(colon + 1);
  const nodes = [...graph.nodes.values()];
  const glob = (pattern: string): ((s: string) => boolean) => (/[*?[]/.test(pattern) ? picomatch(pattern, { dot: true }) : (s) => s === pattern);
  let pick: (n: GraphNode) => boolean;
  switch (method) {
    case 'name':
    case 'fqn': {
      const is = glob(value);
      pick = (n) => (n.kind === 'source' ? is(`${n.source}.${n.table}`) : is(n.name));
      break;
    }
    case 'tag': {
      const is = glob(value);
      pick = (n) => (n.kind === 'model' ? n.config.tags : n.kind === 'seed' || n.kind === 'test' ? n.tags : []).some(is);
      break;
    }
    case 'path': {
      const prefix = value.replace(/^\.\//, '').replace(/\/+$/, '');
      const is = glob(prefix);
      pick = (n) => {
        const file = n.kind === 'source' ? n.location.file : n.file;
        return file === prefix || file.startsWith(prefix + '/') || is(file);
      };
      break;
    }
    case 'layer':
      pick = (n) => n.kind === 'model' && n.layer === value;
      break;
    case 'source': {
      const [src, table] = value.split('.');
      const isSrc = glob(src);
      const isTable = glob(table ?? '*');
      pick = (n) => n.kind === 'source' && isSrc(n.source) && isTable(n.table);
      break;
    }
    case 'resource_type':
      // dbt's unit tests are their own resource type, not a test.
      pick = (n) => (n.kind === 'test' && n.unit ? value === 'unit_test' : n.kind === value);
      break;
    case 'config.materialized':
      pick = (n) => n.kind === 'model' && n.config.materialized === value;
      break;
    case 'test_type':
      // unit: dbt's unit tests; data: the others, generic (schema YAML) and singular (tests/*.sql).
      pick = (n) => n.kind === 'test' && (n.unit ? value === 'unit' : value === 'data' || (value === 'generic' ? n.spec !== undefined : value === 'singular'));
      break;
    default: {
      const s = suggest(method, METHODS);
      diagnostics.push({ file: '', range: { start: 0, end: atom.length }, severity: 'error', message: `Unknown selector method '${method}' in '${atom}'${didYouMean(s)}`, code: 'unknown-selector', data: s ? { suggestion: s } : undefined });
      return new Set();
    }
  }
  const ids = new Set(nodes.filter(pick).map((n) => n.id));
  if (ids.size === 0) {
    const names = method === 'name' ? nodes.map((n) => nodeName(n)!) : [];
    const s = suggest(value, names);
    diagnostics.push({ file: '', range: { start: 0, end: atom.length }, severity: 'warning', message: `No node matches '${atom}'${didYouMean(s)}`, code: 'select-nothing', data: s ? { suggestion: s } : undefined });
  }
  return ids;
}
