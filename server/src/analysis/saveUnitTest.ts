// "Save as unit test", the pure part: the unit test entry built from captured rows, the schema YAML it
// goes in (the one documenting the model, else the one holding its unit tests, else a new file next to
// the model) and the text edit adding it: the entry is inserted where it belongs and the rest of the
// file is left byte for byte as written (comments, quoting, indentation).
import * as path from 'node:path';
import { Document, isMap, isScalar, isSeq, parseDocument, visit, type Node } from 'yaml';
import type { CapturedUnitTest } from '../../../runtime/run/captureUnitTest.js';
import type { ModelNode, Project } from '../../../runtime/project/types.js';

export interface UnitTestEntry {
  name: string;
  model: string;
  description: string;
  overrides?: { macros: { is_incremental: boolean } };
  given: Array<{ input: string; rows: CapturedUnitTest['expect'] }>;
  expect: { rows: CapturedUnitTest['expect'] };
}

/** A replacement of [start, end) of a file's text (UTF-16 offsets). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface UnitTestFileEdit {
  /** Project-relative path of the YAML file. */
  file: string;
  /** True when the file does not exist yet and the edit creates it. */
  create: boolean;
  edit: TextEdit;
}

/** The entry for captured rows, named `<model>_from_preview` (then _2, _3…) among the model's unit tests. */
export function unitTestEntry(project: Pick<Project, 'tests'>, captured: CapturedUnitTest, today: string): UnitTestEntry {
  const taken = new Set([...project.tests.values()].filter((t) => t.unit?.model === captured.model).map((t) => t.unit!.name));
  const base = `${captured.model}_from_preview`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  const sizes = captured.given.map((g) => g.rows.length);
  return {
    name,
    model: captured.model,
    description: `Saved from Preview Data on ${today}: ${sizes.length ? `${Math.max(...sizes)} rows or fewer of each input` : 'no inputs'} and the model's output over them.`,
    ...(captured.incremental ? { overrides: { macros: { is_incremental: false } } } : {}),
    given: captured.given.map((g) => ({ input: g.input, rows: g.rows })),
    expect: { rows: captured.expect },
  };
}

/** Where the model's unit tests are written; `exists` says whether a project-relative file is there. */
export function unitTestFile(project: Pick<Project, 'tests'>, model: Pick<ModelNode, 'name' | 'file' | 'spec'>, exists: (file: string) => boolean): { file: string; create: boolean } {
  const documented = model.spec?.location.file;
  if (documented && /\.ya?ml$/i.test(documented)) return { file: documented, create: false };
  const existing = [...project.tests.values()].find((t) => t.unit?.model === model.name)?.unit?.location.file;
  if (existing) return { file: existing, create: false };
  const file = path.posix.join(path.posix.dirname(model.file), `${model.name}.yml`);
  return { file, create: !exists(file) };
}

/** The edit adding `entry` to the file's `unit_tests:` (made when absent); `text` undefined for a new file. */
export function addUnitTest(file: string, text: string | undefined, entry: UnitTestEntry): { edit: TextEdit } | { error: string } {
  const item = entryYaml(entry);
  if (text === undefined || text.trim() === '') return { edit: { start: 0, end: text?.length ?? 0, newText: `version: 2\n\nunit_tests:\n${indent(item, '  ')}` } };
  const doc = parseDocument(text);
  if (doc.errors.length) return { error: `${file} does not parse (${doc.errors[0].message.split('\n')[0]}): fix it first` };
  if (doc.contents !== null && !isMap(doc.contents)) return { error: `${file} is not a map of keys (version, models, unit_tests…)` };
  const existing = doc.get('unit_tests', true) as Node | null | undefined;
  if (isSeq(existing) && !existing.flow && existing.items.length > 0) {
    // After the last item, at the column of the list's dashes.
    const end = existing.range![2];
    const at = text.lastIndexOf('\n', end - 1) + 1 === end ? end : lineEnd(text, end);
    const first = existing.items[0] as Node;
    const lineStart = text.lastIndexOf('\n', first.range![0] - 1) + 1;
    const dash = text.slice(lineStart, first.range![0]).indexOf('-');
    return { edit: { start: at, end: at, newText: `${at === text.length && !text.endsWith('\n') ? '\n' : ''}${indent(item, ' '.repeat(Math.max(0, dash)))}` } };
  }
  if (isSeq(existing) && existing.items.length > 0) return { error: `${file}: unit_tests is a flow list ([…]); write it as a block list (- name: …) to add to it` };
  if (existing !== undefined && existing !== null && !isSeq(existing) && !(isScalar(existing) && existing.value === null)) return { error: `${file}: unit_tests is not a list` };
  if (existing !== undefined) {
    // `unit_tests:` or `unit_tests: []` with nothing in it: the rest of the key's line becomes the list.
    const key = (doc.contents as unknown as { items: Array<{ key: Node }> }).items.find((p) => isScalar(p.key) && p.key.value === 'unit_tests')!.key;
    const start = key.range![1];
    return { edit: { start, end: lineEndBefore(text, start), newText: `:\n${indent(item, '  ').replace(/\n$/, '')}` } };
  }
  const prefix = text.endsWith('\n') ? '\n' : '\n\n';
  return { edit: { start: text.length, end: text.length, newText: `${prefix}unit_tests:\n${indent(item, '  ')}` } };
}

/** The entry as one YAML list item; rows as flow maps (a row a line), strings quoted where YAML 1.1 (dbt's PyYAML) would read them otherwise. */
function entryYaml(entry: UnitTestEntry): string {
  const doc = new Document([entry], { version: '1.1' });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'rows' && isSeq(pair.value)) for (const row of pair.value.items) if (isMap(row)) row.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 }).replace(/^%YAML 1\.1\n---\n/, '');
}

function indent(text: string, by: string): string {
  return text.replace(/^(?=.)/gm, by);
}

/** The offset after the line holding `offset` (after its newline). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The end of the line holding `offset`, before its newline. */
function lineEndBefore(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}
