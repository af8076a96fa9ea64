// Issue 15, item 5: YAML alias bombs (billion laughs) give a positioned error in the file that has
// them, through both parsers (js-yaml for valid files, `yaml` for files with errors), and stay small.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { parseYaml } from '../../runtime/project/yamlDoc.js';

/** Nine levels of ten aliases each: 10^9 nodes once expanded, 1 KB as text. */
function bomb(indent: string): string {
  const lines = [`${indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < 9; i++) lines.push(`${indent}a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

function assertBounded(value: unknown): void {
  let nodes = 0;
  const walk = (v: unknown): void => {
    if (++nodes > 100_000) throw new Error('the parsed value expands past 100,000 nodes');
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
}

for (const [name, text] of [
  ['valid YAML (the fast parser)', `vars:\n${bomb('  ')}`],
  ['YAML with a syntax error (the recovering parser)', `vars:\n${bomb('  ')}oops: [unclosed\n`],
] as const) {
  test(`an alias bomb in ${name} is a positioned error and the value stays small`, () => {
    const started = performance.now();
    const parsed = parseYaml('models/schema.yml', text);
    const bombErrors = parsed.diagnostics.filter((d) => d.severity === 'error' && /alias/i.test(d.message));
    assert.ok(bombErrors.length > 0, `no alias error among: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
    for (const d of bombErrors) {
      assert.equal(d.file, 'models/schema.yml');
      assert.match(text.slice(d.range.start, d.range.end), /^\*a\d$/);
    }
    assertBounded(parsed.root?.value);
    assert.ok(performance.now() - started < 2000, 'parsing took more than 2 s');
  });
}

test('modest anchors and aliases still read as before', () => {
  const text = 'defaults: &d { materialized: table, tags: [a, b] }\nmodels:\n  - { name: x, config: *d }\n  - { name: y, config: *d }\n';
  const parsed = parseYaml('models/schema.yml', text);
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.root?.value, { defaults: { materialized: 'table', tags: ['a', 'b'] }, models: [{ name: 'x', config: { materialized: 'table', tags: ['a', 'b'] } }, { name: 'y', config: { materialized: 'table', tags: ['a', 'b'] } }] });
});

test('a bomb in a schema file or in pipeline.yml vars is reported in that file when the project loads', async () => {
  const fs = new MemoryFileSystem({
    '/p/pipeline.yml': `name: shop\nvars:\n${bomb('  ')}`,
    '/p/models/silver/a.sql': 'select 1 as id\n',
    '/p/models/silver/schema.yml': `version: 2\nx:\n${bomb('  ')}models:\n  - name: a\n`,
  });
  const project = await loadProject(fs, '/p');
  const files = new Set(project.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file} ${/alias/i.test(d.message)}`));
  assert.deepEqual([...files].sort(), ['models/silver/schema.yml true', 'pipeline.yml true']);
  assertBounded(project.config.vars);
});
