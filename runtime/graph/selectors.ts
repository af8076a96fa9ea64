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
  const parser = new SelectorParser(file, diagnostics);
  parser.readEntries(root);
  return { value: parser.resolveAll(), diagnostics };
}

type RawSelector = { node: YamlNode; def: Omit<SelectorDef, 'definition'> };

/** One selectors.yml: its entries as written, then each definition resolved (`selector:` references followed). */
class SelectorParser {
  private readonly raw = new Map<string, RawSelector>();
  private readonly done = new Map<string, SelectorDef>();

  constructor(private readonly file: string, private readonly diagnostics: Diagnostic[]) {}

  private error(range: Range, message: string): SelectorExpr {
    this.diagnostics.push({ file: this.file, range, severity: 'error', message, code: 'bad-selector' });
    return NOTHING;
  }

  /** The `selectors:` list: names, descriptions and defaults, definitions not parsed yet. */
  readEntries(root: YamlNode): void {
    const list = get(root, 'selectors');
    if (root && list?.kind !== 'seq') this.error(rangeOf(list ?? root), `${this.file} must have a list 'selectors:' of {name, definition}`);
    for (const item of itemsOf(list)) {
      const name = str(get(item, 'name'));
      if (name === undefined) {
        this.error(rangeOf(item), 'A selector needs a name');
        continue;
      }
      if (this.raw.has(name)) this.error(rangeOf(get(item, 'name')), `Selector '${name}' is defined twice`);
      if (!getPair(item, 'definition')) this.error(rangeOf(get(item, 'name')), `Selector '${name}' has no definition`);
      const description = str(get(item, 'description'));
      this.raw.set(name, { node: get(item, 'definition'), def: { name, description, default: get(item, 'default')?.value === true, range: rangeOf(get(item, 'name')) } });
    }
    const defaults = [...this.raw.values()].filter((r) => r.def.default);
    for (const extra of defaults.slice(1)) this.error(extra.def.range, `Only one selector may be the default; '${defaults[0].def.name}' already is`);
  }

  resolveAll(): Map<string, SelectorDef> {
    for (const name of this.raw.keys()) this.resolve(name, []);
    return this.done;
  }

  private resolve(name: string, stack: string[]): SelectorExpr {
    const found = this.done.get(name);
    if (found) return found.definition;
    const entry = this.raw.get(name)!;
    const definition = this.parseExpr(entry.node, [...stack, name]);
    this.done.set(name, { ...entry.def, definition });
    return definition;
  }

  private parseExpr(node: YamlNode, stack: string[]): SelectorExpr {
    if (node?.kind === 'scalar') {
      const text = str(node);
      if (text === undefined || text.trim() === '') return this.error(rangeOf(node), 'An empty selector definition');
      return { kind: 'spec', text };
    }
    if (node?.kind !== 'map') return this.error(rangeOf(node), 'A selector definition is a string, a {method, value} map, or union/intersection');
    const keys = pairsOf(node).map((p) => p.key);
    const set = (['union', 'intersection'] as const).find((k) => keys.includes(k));
    if (set) return this.setExpr(node, set, stack);
    if (!keys.includes('method')) {
      // The key-value shorthand: `tag: nightly`.
      if (pairsOf(node).length !== 1) return this.error(rangeOf(node), "A selector map needs 'method' and 'value', 'union', 'intersection', or one 'method: value' pair");
      const [pair] = pairsOf(node);
      return this.methodExpr(pair.key, pair.keyRange, pair.value, undefined, stack);
    }
    for (const p of pairsOf(node)) {
      if (!METHOD_KEYS.includes(p.key)) this.error(p.keyRange, `Unknown key '${p.key}' in a selector method${didYouMean(suggest(p.key, METHOD_KEYS))}`);
    }
    const method = getPair(node, 'method')!;
    return this.methodExpr(str(method.value) ?? '', rangeOf(method.value), get(node, 'value'), node, stack);
  }

  /** `union:` or `intersection:` lists; their `exclude:` items are taken away. */
  private setExpr(node: YamlNode & object, set: 'union' | 'intersection', stack: string[]): SelectorExpr {
    const extra = pairsOf(node).find((p) => p.key !== set);
    if (extra) this.error(extra.keyRange, `'${extra.key}' cannot stand beside '${set}'`);
    const items = get(node, set);
    if (items?.kind !== 'seq') return this.error(rangeOf(items ?? node), `'${set}' takes a list`);
    const out: SelectorExpr = { kind: set, items: [], exclude: [] };
    for (const item of items.items) {
      const exclude = item.kind === 'map' && item.pairs.length === 1 && item.pairs[0].key === 'exclude' ? item.pairs[0].value : undefined;
      if (exclude === undefined) out.items.push(this.parseExpr(item, stack));
      else if (exclude?.kind === 'seq') out.exclude.push(...exclude.items.map((e) => this.parseExpr(e, stack)));
      else out.exclude.push(this.parseExpr(exclude, stack));
    }
    return out;
  }

  private methodExpr(method: string, methodRange: Range, valueNode: YamlNode, options: YamlNode, stack: string[]): SelectorExpr {
    const value = str(valueNode);
    if (value === undefined) return this.error(valueNode ? rangeOf(valueNode) : methodRange, `Selector method '${method}' needs a value`);
    if (method === 'selector') {
      if (!this.raw.has(value)) return this.error(rangeOf(valueNode), `No selector named '${value}'${didYouMean(suggest(value, this.raw.keys()))}`);
      if (stack.includes(value)) return this.error(rangeOf(valueNode), `Selectors refer to each other in a cycle: ${[...stack, value].join(' → ')}`);
      return this.resolve(value, stack);
    }
    if (!METHODS.includes(method)) return this.error(methodRange, `Unknown selector method '${method}'${didYouMean(suggest(method, [...METHODS, 'selector']))}`);
    const flag = (key: string): boolean => {
      const v = get(options, key);
      if (v !== undefined && typeof v.value !== 'boolean') this.error(rangeOf(v), `'${key}' is true or false`);
      return v?.value === true;
    };
    const depth = (key: string, on: boolean): number => {
      const v = get(options, key);
      if (v === undefined) return on ? Infinity : 0;
      if (typeof v.value !== 'number' || !Number.isInteger(v.value) || v.value < 0) return (this.error(rangeOf(v), `'${key}' is a whole number of levels`), 0);
      return v.value;
    };
    return { kind: 'method', method, value, parents: depth('parents_depth', flag('parents')), children: depth('children_depth', flag('children')), childrensParents: flag('childrens_parents') };
  }
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
