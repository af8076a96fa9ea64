// Realistic breakages of a project that builds, each with where the server should flag it: renamed,
// dropped or retyped contract columns, typos in a ref, a source, a YAML test's column, a macro
// argument or a column, an upstream column removed, a seed column that stops being numeric.
import type { Workspace } from '../../../server/src/analysis/workspace.js';
import type { ModelNode, Range } from '../../../runtime/project/types.js';
import type { Files } from './oracle.js';

export type MutationKind =
  | 'contract-rename-column'
  | 'contract-drop-column'
  | 'contract-type-change'
  | 'ref-typo'
  | 'source-typo'
  | 'yaml-test-column-typo'
  | 'macro-argument-typo'
  | 'column-typo'
  | 'upstream-drop-column'
  | 'upstream-type-change'
  | 'seed-value-not-numeric';

/**
 * Breakages of the data rather than the code: a seed value that no longer casts fails the run only when
 * the value is read, which nothing static can know. Reported apart and left out of the recall asserted.
 */
export const DATA_KINDS: ReadonlySet<MutationKind> = new Set(['seed-value-not-numeric']);

export interface Mutant {
  kind: MutationKind;
  /** What was changed, for the report: 'models/orders.sql: status → statuss'. */
  label: string;
  files: Files;
  /** Where a diagnostic must land (any one of them): a range in a file of the mutated project. */
  expect: Array<{ file: string; range: Range }>;
}

/** At most this many mutants of one kind per project, spread over the candidates. */
const PER_KIND = 3;

/** Every mutant of a project; `ws` is the project before the mutation, indexed and bound. */
export function mutants(files: Files, ws: Workspace): Mutant[] {
  const snap = ws.snapshot();
  const models = [...snap.project.models.values()].filter((m) => !m.file.includes('dbt_packages/'));
  const contracted = models.filter((m) => m.spec?.contractEnforced || m.config.contractEnforced);
  const columnsOf = (id: string): string[] => ws.snapshot().columns(id).map((c) => c.name.toLowerCase());
  const out: Mutant[] = [];
  const add = (kind: MutationKind, list: Draft[]): void => {
    out.push(...spread(list, PER_KIND).map((m) => ({ ...m, kind })));
  };
  const edit = (file: string, range: Range, text: string): Files => ({ ...files, [file]: files[file].slice(0, range.start) + text + files[file].slice(range.end) });
  const typo = (name: string): string => name + name[name.length - 1];

  add('contract-rename-column', contracted.flatMap((m) => (m.spec?.columns ?? []).flatMap((c) => {
    const item = lastItem(m.text, c.name);
    if (!item) return [];
    const renamed = `${c.name}_renamed`;
    const text = item.alias ? renamed : `${m.text.slice(item.name.start, item.name.end)} as ${renamed}`;
    const at = item.name.start + text.length - renamed.length;
    // A column renamed in a CTE breaks the outer query first: the run's error is where the old name is used.
    const uses = wordRanges(m.text, c.name).map((range) => ({ file: m.file, range: range.start > item.name.start ? { start: range.start + text.length - (item.name.end - item.name.start), end: range.end + text.length - (item.name.end - item.name.start) } : range }));
    return [mutant(`${m.file}: ${c.name} → ${renamed}`, edit(m.file, item.name, text), [c.location, { file: m.file, range: { start: at, end: at + renamed.length } }, ...uses])];
  })));

  add('contract-drop-column', contracted.flatMap((m) => (m.spec?.columns ?? []).flatMap((c) => {
    const item = lastItem(m.text, c.name);
    if (!item || m.spec!.columns.length < 2) return [];
    const dropped = dropLine(m.text, item);
    return dropped ? [mutant(`${m.file}: ${c.name} dropped`, { ...files, [m.file]: dropped }, [c.location, ...wordRanges(dropped, c.name).map((range) => ({ file: m.file, range }))])] : [];
  })));

  add('contract-type-change', contracted.flatMap((m) => (m.spec?.columns ?? []).flatMap((c) => {
    const yaml = files[c.location.file];
    const at = yaml.indexOf('data_type:', c.location.range.end);
    const line = /data_type:\s*([\w ()]+?)\s*$/m.exec(yaml.slice(at));
    const other = line && otherType(line[1]);
    if (at < 0 || !line || !other || yaml.slice(c.location.range.end, at).includes('- name:')) return [];
    const start = at + line.index + line[0].indexOf(line[1], 'data_type:'.length);
    const range = { start, end: start + line[1].length };
    return [mutant(`${c.location.file}: ${m.name}.${c.name} ${line[1]} → ${other}`, edit(c.location.file, range, other), [{ file: c.location.file, range: { start: c.location.range.start, end: start + other.length } }])];
  })));

  add('ref-typo', models.flatMap((m) => m.scan.refs.slice(0, 1).map((r) => {
    const name = typo(r.name);
    return mutant(`${m.file}: ref('${r.name}') → ref('${name}')`, edit(m.file, r.nameRange, name), [{ file: m.file, range: { start: r.nameRange.start, end: r.nameRange.start + name.length } }]);
  })));

  add('source-typo', models.flatMap((m) => m.scan.sources.slice(0, 1).map((s) => {
    const table = typo(s.table);
    return mutant(`${m.file}: source('${s.source}', '${s.table}') → '${table}'`, edit(m.file, s.tableRange, table), [{ file: m.file, range: { start: s.tableRange.start, end: s.tableRange.start + table.length } }]);
  })));

  add('yaml-test-column-typo', [...snap.project.tests.values()].flatMap((t) => {
    const spec = t.spec;
    if (!spec?.column || !t.attachedTo?.startsWith('model.')) return [];
    const model = snap.project.models.get(t.attachedTo.slice('model.'.length));
    const column = model?.spec?.columns.find((c) => c.name === spec.column);
    if (!column || column.location.file !== spec.location.file) return [];
    const name = typo(column.name);
    return [mutant(`${column.location.file}: ${model!.name}.${column.name} → ${name} (${spec.name})`, edit(column.location.file, column.location.range, name), [{ file: column.location.file, range: { start: column.location.range.start, end: column.location.range.start + name.length } }])];
  }).filter(uniqueLabel()));

  add('macro-argument-typo', models.flatMap((m) => {
    const inputs = new Set([...(snap.graph.parents.get(m.id) ?? [])].flatMap(columnsOf));
    return [...m.text.matchAll(/\{\{\s*[\w.]+\(\s*'([^']*)'/g)].flatMap((call) => {
      const word = [...call[1].matchAll(/[a-z_]\w*/gi)].find((w) => inputs.has(w[0].toLowerCase()));
      if (!word) return [];
      const start = call.index! + call[0].length - call[1].length - 1 + word.index!;
      const name = typo(word[0]);
      return [mutant(`${m.file}: macro argument ${word[0]} → ${name}`, edit(m.file, { start, end: start + word[0].length }, name), [{ file: m.file, range: { start, end: start + name.length } }])];
    });
  }));

  add('column-typo', models.flatMap((m) => {
    const inputs = new Set([...(snap.graph.parents.get(m.id) ?? [])].flatMap(columnsOf));
    const item = items(m.text).find((i) => !i.alias && inputs.has(m.text.slice(i.name.start, i.name.end).replace(/^\w+\./, '').toLowerCase()));
    if (!item) return [];
    const ref = m.text.slice(item.name.start, item.name.end);
    const name = typo(ref);
    return [mutant(`${m.file}: ${ref} → ${name}`, edit(m.file, item.name, name), [{ file: m.file, range: { start: item.name.start, end: item.name.start + name.length } }])];
  }));

  add('upstream-drop-column', models.filter((m) => !contracted.includes(m)).flatMap((m) => {
    const children = [...(snap.graph.children.get(m.id) ?? [])].map((id) => snap.graph.nodes.get(id)).filter((n): n is ModelNode => n?.kind === 'model');
    return columnsOf(m.id).flatMap((column) => {
      const users = children.filter((c) => wordRanges(c.text, column).length);
      const item = lastItem(m.text, column);
      const dropped = users.length && item && dropLine(m.text, item);
      if (!dropped) return [];
      const expect = [...users, m].flatMap((c) => [...wordRanges(c.text, column).map((range) => ({ file: c.file, range })), ...(c.spec?.columns ?? []).filter((s) => s.name.toLowerCase() === column).map((s) => s.location)]);
      return [mutant(`${m.file}: ${column} dropped (used by ${users.map((u) => u.name).join(', ')})`, { ...files, [m.file]: dropped }, expect)];
    });
  }));

  add('upstream-type-change', models.filter((m) => !contracted.includes(m)).flatMap((m) => {
    const children = [...(snap.graph.children.get(m.id) ?? [])].map((id) => snap.graph.nodes.get(id)).filter((n): n is ModelNode => n?.kind === 'model');
    return columnsOf(m.id).flatMap((column) => {
      const users = children.filter((c) => wordRanges(c.text, column).length);
      const item = lastItem(m.text, column);
      if (!users.length || !item) return [];
      const expr = m.text.slice(item.line.start, item.name.start).replace(/\s+as\s+$/i, '').trim() || m.text.slice(item.name.start, item.name.end);
      const line = m.text.slice(item.line.start, item.line.end);
      const indent = /^\s*/.exec(line)![0];
      const cast = `${indent}cast(${expr} as varchar) as ${column}${item.comma ? ',' : ''}`;
      const expect = users.flatMap((c) => [...wordRanges(c.text, column).map((range) => ({ file: c.file, range })), ...(c.spec?.columns ?? []).filter((s) => s.name.toLowerCase() === column).map((s) => s.location)]);
      return [mutant(`${m.file}: ${column} cast to varchar (used by ${users.map((u) => u.name).join(', ')})`, edit(m.file, item.line, cast), expect)];
    });
  }));

  add('seed-value-not-numeric', [...snap.project.seeds.values()].flatMap((seed) => {
    const children = [...(snap.graph.children.get(seed.id) ?? [])].map((id) => snap.graph.nodes.get(id)).filter((n): n is ModelNode => n?.kind === 'model');
    const text = files[seed.file];
    const [header, first] = text.split('\n');
    const names = header.split(',');
    return names.flatMap((column, i) => {
      if (!/^-?\d+(\.\d+)?$/.test(first?.split(',')[i] ?? '') || !children.some((c) => wordRanges(c.text, column).length)) return [];
      const row = first.split(',');
      row[i] = 'n/a';
      const expect = children.flatMap((c) => wordRanges(c.text, column).map((range) => ({ file: c.file, range })));
      return [mutant(`${seed.file}: ${column} gets a text value`, { ...files, [seed.file]: text.replace(first, row.join(',')) }, expect)];
    });
  }));
  return out;
}

type Draft = Omit<Mutant, 'kind'>;

function mutant(label: string, files: Files, expect: Mutant['expect']): Draft {
  return { label, files, expect };
}

/** A few candidates spread over the list: first, middle, last. */
function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.round((i * (list.length - 1)) / (n - 1))]);
}

function uniqueLabel(): (m: { label: string }) => boolean {
  const seen = new Set<string>();
  return (m) => !seen.has(m.label) && !!seen.add(m.label);
}

interface Item {
  /** The whole line, newline excluded. */
  line: Range;
  /** The alias after `as`, else the (possibly qualified) column reference. */
  name: Range;
  alias: boolean;
  comma: boolean;
}

/** Select-list items written one per line: `expr as name,` or `alias.column,`. */
function items(text: string): Item[] {
  const out: Item[] = [];
  for (const m of text.matchAll(/^([ \t]+)(.*?)(,?)[ \t]*$/gm)) {
    const body = m[2];
    const start = m.index! + m[1].length;
    const alias = /\s+as\s+(\w+)$/i.exec(body);
    const bare = /^(\w+\.)?\w+$/.exec(body);
    if (!alias && !bare || /^(select|from|where|group|order|with|left|join|on)\b/i.test(body)) continue;
    const name = alias ? { start: start + alias.index + alias[0].length - alias[1].length, end: start + body.length } : { start, end: start + body.length };
    out.push({ line: { start: m.index!, end: m.index! + m[0].length }, name, alias: !!alias, comma: m[3] === ',' });
  }
  return out;
}

/** The last item that names output column `column` (the outermost select comes last). */
function lastItem(text: string, column: string): Item | undefined {
  return items(text).filter((i) => text.slice(i.name.start, i.name.end).replace(/^\w+\./, '').toLowerCase() === column.toLowerCase()).pop();
}

/** The text without the item's line; a last item takes the comma before it along. */
function dropLine(text: string, item: Item): string | undefined {
  const before = text.slice(0, item.line.start);
  const after = text.slice(item.line.end + 1);
  if (item.comma) return before + after;
  const comma = before.lastIndexOf(',');
  if (comma < 0 || before.slice(comma + 1).trim() !== '') return undefined;
  return before.slice(0, comma) + before.slice(comma + 1) + after;
}

function wordRanges(text: string, word: string): Range[] {
  return [...text.matchAll(new RegExp(`(?<![\\w'])${word}(?![\\w'])`, 'gi'))].map((m) => ({ start: m.index!, end: m.index! + word.length }));
}

/** A type of another family than `type`, as a user would mistype a contract. */
function otherType(type: string): string | undefined {
  const t = type.toLowerCase();
  if (/^(tiny|small|big|huge)?int(eger)?$|^(u?bigint|hugeint)$/.test(t)) return 'varchar';
  if (/^(varchar|text|string)/.test(t)) return 'integer';
  if (/^(double|float|real|decimal|numeric)/.test(t)) return 'varchar';
  if (/^date$/.test(t)) return 'varchar';
  if (/^timestamp/.test(t)) return 'date';
  if (t === 'boolean') return 'integer';
  return undefined;
}
