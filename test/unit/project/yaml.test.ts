// YAML with positions: the fast path (valid files) and the recovering path (files with errors)
// give the same tree shape, and every range covers exactly the key or value it belongs to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, itemsOf, nodeAt, pairsOf, parseYaml, parseYamlFast, str, toJs, type YamlNode } from '../../../runtime/project/yamlDoc.js';

const TEXT = `# leading comment
version: 2
models:
  - name: orders   # trailing comment
    description: "quoted: value"
    tags: [a, 'b']
    data_tests:
      - unique
      - accepted_values:
          values: [x, y]

    config: { materialized: table, n: 3 }
    empty:
    folded: >
      long
      text
  - name: 'users'
vars:
  start: 2026-01-01
`;

function cover(text: string, node: YamlNode): string {
  return node ? text.slice(node.range.start, node.range.end) : '<none>';
}

function check(text: string): void {
  const { root } = parseYaml('s.yml', text);
  const models = itemsOf(get(root, 'models'));
  assert.equal(models.length, 2);
  const [orders, users] = models;
  assert.deepEqual(pairsOf(orders).map((p) => [p.key, text.slice(p.keyRange.start, p.keyRange.end)]), [
    ['name', 'name'], ['description', 'description'], ['tags', 'tags'], ['data_tests', 'data_tests'], ['config', 'config'], ['empty', 'empty'], ['folded', 'folded'],
  ]);
  const tests = itemsOf(get(orders, 'data_tests'));
  assert.deepEqual(tests.map((t) => cover(text, t)), ['unique', 'accepted_values:\n          values: [x, y]']);
  assert.equal(cover(text, get(get(tests[1], 'accepted_values'), 'values')), '[x, y]');
  assert.equal(cover(text, get(orders, 'name')), 'orders');
  assert.equal(cover(text, get(orders, 'description')), '"quoted: value"');
  assert.equal(str(get(orders, 'description')), 'quoted: value');
  assert.equal(cover(text, get(orders, 'tags')), "[a, 'b']");
  assert.deepEqual(toJs(get(orders, 'tags')), ['a', 'b']);
  assert.equal(cover(text, itemsOf(get(orders, 'tags'))[1]), "'b'");
  assert.deepEqual(toJs(get(orders, 'config')), { materialized: 'table', n: 3 });
  assert.equal(cover(text, get(get(orders, 'config'), 'n')), '3');
  assert.equal(toJs(get(orders, 'empty')), null);
  assert.equal(str(get(orders, 'folded')), 'long text\n');
  assert.equal(cover(text, get(users, 'name')), "'users'");
  // Dates stay strings (YAML 1.2 core schema), as vars are written.
  assert.equal(toJs(get(get(root, 'vars'), 'start')), '2026-01-01');
  assert.equal(text.slice(nodeAt(root, ['models', '0', 'config']).keyRange!.start, nodeAt(root, ['models', '0', 'config']).keyRange!.end), 'config');
}

test('a valid file: every key and value range, read by the fast path', () => {
  const r = parseYaml('s.yml', TEXT);
  assert.deepEqual(r.diagnostics, []);
  assert.notEqual(parseYamlFast(TEXT), undefined);
  check(TEXT);
});

test('a file with an error elsewhere is read by the recovering parser with the same ranges', () => {
  const broken = TEXT + 'bad: [unclosed\n';
  const r = parseYaml('s.yml', broken);
  assert.ok(r.diagnostics.length > 0 && r.diagnostics.every((d) => d.file === 's.yml' && d.code === 'yaml-syntax'));
  check(broken);
});

test('duplicate keys are errors on the second key', () => {
  const text = 'name: a\nname: b\n';
  const [d] = parseYaml('p.yml', text).diagnostics;
  assert.equal(d.severity, 'error');
  assert.match(d.message, /^YAML: Map keys must be unique/);
  assert.equal(d.range.start, text.indexOf('name', 1));
});
