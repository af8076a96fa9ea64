// Completion in SQL templates: ref names, sources and tables, columns of the relations in scope,
// config() keys and values, macros and Jinja keywords. YAML files go to yamlCompletion.ts.
import { namespaceMacros } from '../../../runtime/project/link.js';
import type { MacroDef, Range } from '../../../runtime/project/types.js';
import { DBT_MACROS } from '../../../runtime/template/dbtMacros.js';
import type { Completion } from './types.js';
import { aliases, templateContext, type AliasTarget } from './context.js';
import { completeYaml } from './yamlCompletion.js';
import { CONFIG_KEYS, JINJA_EXPRESSIONS, JINJA_STATEMENTS } from './vocabulary.js';
import type { Column, Snapshot } from './snapshot.js';

function macroItem(m: MacroDef, range: Range): Completion {
  return {
    label: m.name, kind: 'macro', detail: `macro(${m.params.join(', ')})`, range,
    insertText: `${m.name}(${m.params.map((p, i) => `\${${i + 1}:${p}}`).join(', ')})`, snippet: true,
    ...(m.description ? { documentation: m.description } : {}),
  };
}

/** Lists longer than this are cut to the best matches of the typed prefix and marked incomplete. */
const MAX_ITEMS = 200;

export interface CompletionResult {
  items: Completion[];
  /** More items match than were sent: the editor asks again as the user types. */
  incomplete: boolean;
}

export function complete(snap: Snapshot, file: string, offset: number): CompletionResult {
  const text = snap.text(file);
  if (text === undefined) return { items: [], incomplete: false };
  const items = /\.ya?ml$/.test(file) ? completeYaml(snap, file, text, offset) : file.endsWith('.sql') ? completeSql(snap, file, text, offset) : [];
  return Array.isArray(items) ? cut(unique(items), text, offset) : items;
}

/**
 * Each label once per kind, the first kept: a column two relations in scope share, or a CTE's
 * inputs both have, is one item (the binder already names a model's repeated columns apart).
 */
function unique(items: Completion[]): Completion[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}\0${item.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Up to MAX_ITEMS names but `except` matching what was typed, prefix matches first, in the given order otherwise. */
function best(sorted: string[], typedText: string, except?: string): { names: string[]; incomplete: boolean } {
  const typed = typedText.toLowerCase();
  const prefix: string[] = [];
  const other: string[] = [];
  for (const name of sorted) {
    if (name === except) continue;
    const lower = name.toLowerCase();
    if (lower.startsWith(typed)) {
      prefix.push(name);
      if (prefix.length > MAX_ITEMS) break;
    } else if (other.length <= MAX_ITEMS && subsequence(lower, typed)) other.push(name);
  }
  const names = [...prefix, ...other];
  return { names: names.slice(0, MAX_ITEMS), incomplete: names.length > MAX_ITEMS };
}

/**
 * On a 10,000-model project a full list would be megabytes per keystroke: keep the items whose
 * label contains the typed characters in order, prefix matches first, up to MAX_ITEMS.
 */
function cut(items: Completion[], text: string, offset: number): CompletionResult {
  if (items.length <= MAX_ITEMS) return { items, incomplete: false };
  const typed = text.slice(items[0].range.start, offset).toLowerCase();
  const ranked: Array<{ item: Completion; rank: number }> = [];
  for (const item of items) {
    const label = item.label.toLowerCase();
    const rank = label.startsWith(typed) ? 0 : subsequence(label, typed) ? 1 : -1;
    if (rank >= 0) ranked.push({ item, rank });
  }
  if (ranked.length <= MAX_ITEMS) return { items: ranked.map((r) => r.item), incomplete: false };
  ranked.sort((a, b) => a.rank - b.rank || a.item.label.length - b.item.label.length || (a.item.label < b.item.label ? -1 : 1));
  return { items: ranked.slice(0, MAX_ITEMS).map((r) => r.item), incomplete: true };
}

function subsequence(label: string, typed: string): boolean {
  let i = 0;
  for (const ch of label) if (ch === typed[i]) i++;
  return i === typed.length;
}

function completeSql(snap: Snapshot, file: string, text: string, offset: number): Completion[] | CompletionResult {
  const ctx = templateContext(text, offset);
  switch (ctx.kind) {
    case 'ref': {
      // Built only for the names that will be sent: a 10,000-model list is cut before any item exists.
      const self = snap.modelOfFile(file)?.name;
      const { names, incomplete } = best(snap.sortedRefNames(), text.slice(ctx.range.start, offset), self);
      const items = names.map((name): Completion => {
        const m = snap.model(name);
        if (!m) return { label: name, kind: 'table', detail: 'seed', range: ctx.range, sortText: `9${name}` };
        return {
          label: m.name, kind: 'model', range: ctx.range,
          detail: [m.layer, m.config.materialized].filter(Boolean).join(' · '),
          ...(m.description ? { documentation: m.description } : {}),
          sortText: `${layerRank(m.layer)}${m.name}`,
        };
      });
      return incomplete ? { items, incomplete } : items;
    }
    case 'source': {
      const counts = new Map<string, number>();
      for (const s of snap.project.sources.values()) counts.set(s.source, (counts.get(s.source) ?? 0) + 1);
      return [...counts].map(([name, n]) => ({ label: name, kind: 'source', detail: `source · ${n} table${n === 1 ? '' : 's'}`, range: ctx.range }));
    }
    case 'sourceTable':
      return [...snap.project.sources.values()]
        .filter((s) => s.source === ctx.source)
        .map((s) => ({
          label: s.table, kind: 'table', range: ctx.range,
          detail: s.format ? `${s.format} · ${s.path ?? ''}` : s.relation,
          ...(s.description ? { documentation: s.description } : {}),
        }));
    case 'configKey':
      return CONFIG_KEYS.map((k) => ({ label: k.name, kind: 'property', detail: k.detail, insertText: `${k.name}=`, range: ctx.range }));
    case 'configValue': {
      if (ctx.key === 'unique_key' || ctx.key === 'partition_by') {
        const model = snap.modelOfFile(file);
        return model ? snap.columns(model.id).map((c) => column(c, ctx.range)) : [];
      }
      const key = CONFIG_KEYS.find((k) => k.name === ctx.key);
      return (key?.values ?? []).map((v) => ({ label: v, kind: 'value', range: ctx.range }));
    }
    case 'jinja': {
      // `pkg.`: the macros of an installed package (or of `dbt`), without dispatch implementations, tests and private `_x`.
      const namespace = /(\w+)\.$/.exec(text.slice(0, ctx.range.start))?.[1];
      if (namespace === 'dbt') return [...DBT_MACROS.keys()].map((name) => ({ label: name, kind: 'macro', detail: 'dbt cross-database macro', insertText: `${name}($1)`, snippet: true, range: ctx.range }));
      const offered = namespace === undefined ? undefined : namespaceMacros(snap.project, namespace);
      if (offered) return [...offered.values()].filter((m) => !m.name.includes('__') && !m.name.startsWith('test_') && !m.name.startsWith('_')).map((m) => macroItem(m, ctx.range));
      const items: Completion[] = (ctx.statement ? JINJA_STATEMENTS : JINJA_EXPRESSIONS).map((k) => ({
        label: k.name, kind: k.snippet ? 'function' : 'keyword', detail: k.detail, range: ctx.range,
        ...(k.snippet ? { insertText: k.snippet, snippet: true } : {}),
      }));
      for (const m of snap.project.macros.values()) items.push(macroItem(m, ctx.range));
      for (const pkg of snap.project.packageMacros.keys()) items.push({ label: pkg, kind: 'variable', detail: 'installed package', range: ctx.range });
      return items;
    }
    case 'sql': {
      const scope = aliases(text);
      if (ctx.qualifier !== undefined) {
        const target = scope.get(ctx.qualifier);
        return target ? columnsOf(snap, target).map((c) => column(c, ctx.range)) : [];
      }
      if (!ctx.inSelectList) return [];
      return [...new Set(scope.values())].flatMap((target) => columnsOf(snap, target).map((c) => column(c, ctx.range)));
    }
    case 'comment':
      return [];
  }
}

/** Columns a relation alias stands for: a model's or source's columns, or a CTE's inputs. */
function columnsOf(snap: Snapshot, target: AliasTarget): Column[] {
  if (target.kind === 'ref') {
    const node = snap.refTarget(target.name);
    return node ? snap.columns(node.id) : [];
  }
  if (target.kind === 'source') {
    const node = snap.source(target.source, target.table);
    return node ? snap.columns(node.id) : [];
  }
  return target.targets.flatMap((t) => columnsOf(snap, t));
}

function column(c: Column, range: Range): Completion {
  return { label: c.name, kind: 'column', range, ...(c.type ? { detail: c.type } : {}), ...(c.description ? { documentation: c.description } : {}) };
}

function layerRank(layer: string | undefined): string {
  return layer === 'gold' ? '0' : layer === 'silver' ? '1' : layer === 'bronze' ? '2' : '3';
}
