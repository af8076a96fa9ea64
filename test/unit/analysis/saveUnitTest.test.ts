// "Save as unit test", the pure part: the entry (named apart from the model's other unit tests), the
// YAML file it goes in, and an edit that adds it while leaving every other byte of the file alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { addUnitTest, unitTestEntry, unitTestFile, type UnitTestEntry } from '../../../server/src/analysis/saveUnitTest.js';
import { readColumns, type CapturedUnitTest } from '../../../runtime/run/captureUnitTest.js';
import type { Project, TestNode } from '../../../runtime/project/types.js';

const CAPTURED: CapturedUnitTest = {
  model: 'revenue',
  incremental: false,
  given: [{ input: "ref('events')", rows: [{ user_id: 1, amount: 2.5, day: '2026-01-01', note: 'yes' }, { user_id: 2, amount: null, day: '2026-01-02', note: "it's" }] }],
  expect: [{ user_id: 1, total: 2.5 }, { user_id: 2, total: null }],
};

function testsOf(...names: Array<[model: string, name: string, file: string]>): Pick<Project, 'tests'> {
  const tests = new Map<string, TestNode>();
  for (const [model, name, file] of names) {
    tests.set(`unit_test.${model}.${name}`, { kind: 'test', id: `unit_test.${model}.${name}`, name, file, severity: 'error', tags: [], unit: { name, model, location: { file, range: { start: 0, end: 0 } } } as TestNode['unit'] });
  }
  return { tests };
}

const ENTRY: UnitTestEntry = unitTestEntry(testsOf(), CAPTURED, '2026-12-04');

function apply(text: string, file = 'models/gold/schema.yml', entry = ENTRY): string {
  const result = addUnitTest(file, text, entry);
  assert.ok('edit' in result, 'error' in result ? result.error : '');
  return text.slice(0, result.edit.start) + result.edit.newText + text.slice(result.edit.end);
}

/** The entry as a YAML reader sees it (the rows' values as written, strings staying strings). */
const asRead = { name: 'revenue_from_preview', model: 'revenue', description: ENTRY.description, given: [{ input: "ref('events')", rows: CAPTURED.given[0].rows }], expect: { rows: CAPTURED.expect } };

test('a new file: version 2 and the entry, rows one flow map a line, ambiguous strings quoted for YAML 1.1', () => {
  const text = apply('');
  assert.deepEqual(parse(text), { version: 2, unit_tests: [asRead] });
  assert.match(text, /^ {10}- \{ user_id: 1, amount: 2\.5, day: "2026-01-01", note: "yes" \}$/m);
  assert.match(ENTRY.description, /Saved from Preview Data on 2026-12-04: 2 rows or fewer of each input/);
});

test('a file without unit_tests keeps every byte and gains the key at its end', () => {
  const before = 'version: 2\n# the gold models\nmodels:\n- name: revenue   # money\n  description: "Revenue"\n';
  const after = apply(before);
  assert.ok(after.startsWith(before));
  assert.deepEqual(parse(after).unit_tests, [asRead]);
  assert.deepEqual(parse(after).models, [{ name: 'revenue', description: 'Revenue' }]);
});

test('an existing unit_tests list gets the entry after its last item, at the column of its dashes, before a trailing comment', () => {
  const before = "version: 2\nunit_tests:\n- name: old   # keep me\n  model: revenue\n  given: []\n  expect: {rows: []}\n# end of tests\nmodels: []\n";
  const after = apply(before);
  assert.ok(after.startsWith(before.slice(0, before.indexOf('# end'))));
  assert.ok(after.endsWith('# end of tests\nmodels: []\n'));
  assert.match(after, /\n- name: revenue_from_preview\n {2}model: revenue\n/);
  const tests = parse(after).unit_tests;
  assert.deepEqual(tests.map((t: { name: string }) => t.name), ['old', 'revenue_from_preview']);
  assert.deepEqual(tests[1], asRead);
});

test('`unit_tests: []`, an empty `unit_tests:` and a file without a final newline', () => {
  assert.deepEqual(parse(apply('version: 2\nunit_tests: []\nmodels: []\n')), { version: 2, unit_tests: [asRead], models: [] });
  assert.deepEqual(parse(apply('version: 2\nunit_tests:\nmodels: []\n')), { version: 2, unit_tests: [asRead], models: [] });
  assert.deepEqual(parse(apply('version: 2\nunit_tests:\n  - name: a\n    model: revenue')).unit_tests.map((t: { name: string }) => t.name), ['a', 'revenue_from_preview']);
});

test('a file that does not parse, or whose unit_tests is not a list, is an error and no edit', () => {
  assert.match((addUnitTest('m.yml', 'models: [\n', ENTRY) as { error: string }).error, /m\.yml does not parse/);
  assert.match((addUnitTest('m.yml', 'unit_tests: {a: 1}\n', ENTRY) as { error: string }).error, /unit_tests is not a list/);
  assert.match((addUnitTest('m.yml', '- a\n', ENTRY) as { error: string }).error, /not a map/);
  assert.match((addUnitTest('m.yml', 'unit_tests: [{name: a}]\n', ENTRY) as { error: string }).error, /flow list/);
});

test('an incremental model is saved with is_incremental false, and the name is new among the model\'s unit tests', () => {
  const project = testsOf(['revenue', 'revenue_from_preview', 'a.yml'], ['revenue', 'revenue_from_preview_2', 'a.yml'], ['other', 'revenue_from_preview_3', 'b.yml']);
  const entry = unitTestEntry(project, { ...CAPTURED, incremental: true }, '2026-12-04');
  assert.equal(entry.name, 'revenue_from_preview_3');
  assert.deepEqual(parse(apply('', 'x.yml', entry)).unit_tests[0].overrides, { macros: { is_incremental: false } });
});

test('the YAML file: the one documenting the model, else the one with its unit tests, else <model>.yml beside it', () => {
  const model = { name: 'revenue', file: 'models/gold/revenue.sql' };
  const spec = { location: { file: 'models/gold/_gold.yml', range: { start: 0, end: 0 } } } as NonNullable<Parameters<typeof unitTestFile>[1]['spec']>;
  assert.deepEqual(unitTestFile(testsOf(), { ...model, spec }, () => true), { file: 'models/gold/_gold.yml', create: false });
  assert.deepEqual(unitTestFile(testsOf(['revenue', 'a', 'models/tests.yml']), model, () => false), { file: 'models/tests.yml', create: false });
  assert.deepEqual(unitTestFile(testsOf(), model, () => false), { file: 'models/gold/revenue.yml', create: true });
  assert.deepEqual(unitTestFile(testsOf(), model, () => true), { file: 'models/gold/revenue.yml', create: false });
});

test('the input columns a model reads: those its SQL names, all of them for a star', () => {
  const columns = ['user_id', 'Amount', 'ts', 'page'];
  assert.deepEqual(readColumns('select user_id, sum("Amount") as total, count(*) from x group by 1', columns), ['user_id', 'Amount']);
  assert.deepEqual(readColumns('select e.* from x as e', columns), columns);
  assert.deepEqual(readColumns('select *\nfrom x', columns), columns);
  assert.deepEqual(readColumns('select count(*) as n from x', columns), []);
});
