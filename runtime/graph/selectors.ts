// selectors.yml in dbt's format: `selectors: [{name, description, default, definition}]`, a definition
// being a CLI string, a `{method, value, parents, children, …}` map, `{tag: x}`, or union/intersection
// lists whose `exclude:` items are subtracted. Parsed with positions; never throws. select.ts evaluates.
import { didYouMean, suggest } from '../project/config.js';
import type { FileSystem } from '../project/fs.js';
import type { Diagnostic, Range, Result } from '../project/types.js';
import { get, getPair, itemsOf, pairsOf, parseYaml, rangeOf, str, type YamlNode } from '../project/yamlDoc.js';
import { METHODS } from './select.js';

export const SELECTORS_FILE = 'selectors.yml';

/** A selector definition, with `selector:` references already replaced by what they name. */
export type SelectorExpr =
  /** dbt's CLI syntax, as after --select: 'tag:nightly+', '+orders'. */
  | { kind: 'spec'; text: string }
  | { kind: 'method'; method: string; value: string; parents: number; children: number; childrensParents: boolean }
  | { kind: 'union' | 'intersection'; items: SelectorExpr[]; exclude: SelectorExpr[] };

export interface SelectorDef {
  name: string;
  description?: string;
  default: boolean;
  definition: SelectorExpr;
  range: Range;
}

const METHOD_KEYS = ['method', 'value', 'parents', 'children', 'parents_depth', 'children_depth', 'childrens_parents', 'indirect_selection'];
const NOTHING: SelectorExpr = { kind: 'union', items: [], exclude: [] };

/** Reads the project's selectors.yml; no file is no selectors. */
export async function loadSelectors(fs: FileSystem, root: string): Promise<Result<Map<string, SelectorDef>>> {
  const text = await fs.readFile(`${root}/${SELECTORS_FILE}`);
  return text === undefined ? { value: new Map(), diagnostics: [] } : parseSelectors(SELECTORS_FILE, text);
}

export function parseSelectors(file: string, text: string): Result<Map<string, SelectorDef>> {
  const { root, diagnostics } = parseYaml(file, text);
  const error = (range: Range, message: string): void => void diagnostics.push({ file, range, severity: 'error', message, code: 'bad-selector' });
  const raw = new Map<string, { node: YamlNode; def: Omit<SelectorDef, 'definition'> }>();
  const list = get(root, 'selectors');
  if (root && list?.kind !== 'seq') error(rangeOf(list ?? root), `${file} must have a list 'selectors:' of {name, definition}`);
  for (const item of itemsOf(list)) {
    const name = str(get(item, 'name'));
    if (name === undefined) {
      error(rangeOf(item), 'A selector needs a name');
      continue;
    }
    if (raw.has(name)) error(rangeOf(get(item, 'name')), `Selector '${name}' is defined twice`);
    if (!getPair(item, 'definition')) error(rangeOf(get(item, 'name')), `Selector '${name}' has no definition`);
    const description = str(get(item, 'description'));
    raw.set(name, { node: get(item, 'definition'), def: { name, description, default: get(item, 'default')?.value === true, range: rangeOf(get(item, 'name')) } });
  }
  const defaults = [...raw.values()].filter((r) => r.def.default);
  for (const extra of defaults.slice(1)) error(extra.def.range, `Only one selector may be the default; '${defaults[0].def.name}' already is`);

  const done = new Map<string, SelectorDef>();
  const resolve = (name: string, stack: string[]): SelectorExpr => {
    const found = done.get(name);
    if (found) return found.definition;
    const entry = raw.get(name)!;
    const definition = parseExpr(entry.node, [...stack, name]);
    done.set(name, { ...entry.def, definition });
    return definition;
  };

  function parseExpr(node: YamlNode, stack: string[]): SelectorExpr {
    if (node?.kind === 'scalar') {
      const text = str(node);
      if (text === undefined || text.trim() === '') return (error(rangeOf(node), 'An empty selector definition'), NOTHING);
      return { kind: 'spec', text };
    }
    if (node?.kind !== 'map') return (error(rangeOf(node), 'A selector definition is a string, a {method, value} map, or union/intersection'), NOTHING);
    const keys = pairsOf(node).map((p) => p.key);
    for (const set of ['union', 'intersection'] as const) {
      if (!keys.includes(set)) continue;
      const extra = pairsOf(node).find((p) => p.key !== set);
      if (extra) error(extra.keyRange, `'${extra.key}' cannot stand beside '${set}'`);
      const items = get(node, set);
      if (items?.kind !== 'seq') return (error(rangeOf(items ?? node), `'${set}' takes a list`), NOTHING);
      const out: SelectorExpr = { kind: set, items: [], exclude: [] };
      for (const item of items.items) {
        const exclude = item.kind === 'map' && item.pairs.length === 1 && item.pairs[0].key === 'exclude' ? item.pairs[0].value : undefined;
        if (exclude === undefined) out.items.push(parseExpr(item, stack));
        else if (exclude?.kind === 'seq') out.exclude.push(...exclude.items.map((e) => parseExpr(e, stack)));
        else out.exclude.push(parseExpr(exclude, stack));
      }
      return out;
    }
    if (!keys.includes('method')) {
      // The key-value shorthand: `tag: nightly`.
      if (pairsOf(node).length !== 1) return (error(rangeOf(node), "A selector map needs 'method' and 'value', 'union', 'intersection', or one 'method: value' pair"), NOTHING);
      const [pair] = pairsOf(node);
      return methodExpr(pair.key, pair.keyRange, pair.value, undefined, stack);
    }
    for (const p of pairsOf(node)) {
      if (!METHOD_KEYS.includes(p.key)) error(p.keyRange, `Unknown key '${p.key}' in a selector method${didYouMean(suggest(p.key, METHOD_KEYS))}`);
    }
    const method = getPair(node, 'method')!;
    return methodExpr(str(method.value) ?? '', rangeOf(method.value), get(node, 'value'), node, stack);
  }

  function methodExpr(method: string, methodRange: Range, valueNode: YamlNode, options: YamlNode, stack: string[]): SelectorExpr {
    const value = str(valueNode);
    if (value === undefined) return (error(valueNode ? rangeOf(valueNode) : methodRange, `Selector method '${method}' needs a value`), NOTHING);
    if (method === 'selector') {
      if (!raw.has(value)) return (error(rangeOf(valueNode), `No selector named '${value}'${didYouMean(suggest(value, raw.keys()))}`), NOTHING);
      if (stack.includes(value)) return (error(rangeOf(valueNode), `Selectors refer to each other in a cycle: ${[...stack, value].join(' → ')}`), NOTHING);
      return resolve(value, stack);
    }
    if (!METHODS.includes(method)) return (error(methodRange, `Unknown selector method '${method}'${didYouMean(suggest(method, [...METHODS, 'selector']))}`), NOTHING);
    const flag = (key: string): boolean => {
      const v = get(options, key);
      if (v !== undefined && typeof v.value !== 'boolean') error(rangeOf(v), `'${key}' is true or false`);
      return v?.value === true;
    };
    const depth = (key: string, on: boolean): number => {
      const v = get(options, key);
      if (v === undefined) return on ? Infinity : 0;
      if (typeof v.value !== 'number' || !Number.isInteger(v.value) || v.value < 0) return (error(rangeOf(v), `'${key}' is a whole number of levels`), 0);
      return v.value;
    };
    return { kind: 'method', method, value, parents: depth('parents_depth', flag('parents')), children: depth('children_depth', flag('children')), childrensParents: flag('childrens_parents') };
  }

  for (const name of raw.keys()) resolve(name, []);
  return { value: done, diagnostics };
}

/** The selector --selector names, or the one marked `default: true` when none is named. */
export function pickSelector(selectors: Map<string, SelectorDef>, name: string | undefined): Result<SelectorDef | undefined> {
  if (name === undefined) return { value: [...selectors.values()].find((s) => s.default), diagnostics: [] };
  const found = selectors.get(name);
  if (found) return { value: found, diagnostics: [] };
  const known = selectors.size > 0 ? ` (selectors: ${[...selectors.keys()].join(', ')})` : '';
  const message: Diagnostic = { file: '', range: { start: 0, end: 0 }, severity: 'error', message: `No selector named '${name}' in ${SELECTORS_FILE}${known}${didYouMean(suggest(name, selectors.keys()))}`, code: 'unknown-selector' };
  return { value: undefined, diagnostics: [message] };
}
