// Issue 15, item 10: errors where they belong. The server says of a template what the CLI says (never
// "No statement to prepare"); NUL bytes, schema YAML with `models:` as a map, dedupe_on on an unknown
// column, a singular test's SQL error, a selector matching nothing and a bad source column type are
// reported at their place, with no SQL the user did not write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Client } from '../lsp/client.js';
import { sentinel } from './sentinel.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function medallion(root: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const TEMPLATES: Record<string, string> = {
  'models/silver/filter.sql': "select {{ 'x' | nosuchfilter }} as y\n",
  'models/silver/raised.sql': "select {{ exceptions.raise_compiler_error('boom from the template') }} as x\n",
  'models/silver/macro.sql': 'select {{ no_such_macro() }} as x\n',
  'models/silver/empty.sql': '{% if false %}select 1 as x{% endif %}\n',
  'models/silver/syntax.sql': 'select {{ 1 + }} as x\n',
};

describe('template errors in the server say what the CLI says', () => {
  let c: Client;
  const project = `
//- /pipeline.yml
name: shop
${Object.entries(TEMPLATES).map(([file, text]) => `//- /${file}\n${text}`).join('')}`;
  before(async () => {
    c = await Client.start(project, {}, { command: [CLI, 'lsp', '--stdio'] });
    for (const [file, text] of Object.entries(TEMPLATES)) await c.open(file, text);
  });
  after(async () => c.stop());

  for (const file of Object.keys(TEMPLATES)) {
    test(file, async () => {
      const cli = medallion(c.root, 'compile', '-s', path.basename(file, '.sql'));
      const said = new RegExp(`${file.replace(/[./]/g, '\\$&')}:\\d+:\\d+: error: (.*)`).exec(cli.out)?.[1];
      assert.ok(said, `the CLI reports an error:\n${cli.out}`);
      const list = await c.diagnosticsOf(file, (l) => l.some((d) => d.severity === 1), `an error on ${file}`);
      const messages = list.map((d) => String(d.message));
      assert.ok(messages.every((m) => !/No statement to prepare/i.test(m)), messages.join('\n'));
      assert.ok(messages.some((m) => m.includes(said) || said.includes(m.split('\n')[0])), `server: ${messages.join(' | ')}\ncli: ${said}`);
    });
  }
});

test('NUL bytes, models: as a map and dedupe_on on an unknown column are errors at their place; nothing runs', (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
lake: ./lake
sources:
  ev:
    format: json
    path: bronze/ev/*.json
    columns:
      id: { type: integer }
    dedupe_on: [id, nope_col]
//- /models/silver/a.sql
select 1 as x
//- /models/silver/schema.yml
version: 2
models:
  a:
    description: a map where a list belongs
`);
  t.after(() => s.dispose());
  s.write('models/silver/nul.sql', 'select 1 as x\0 from nowhere\n');
  const before = s.around();
  const r = medallion(s.root, 'build');
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /models\/silver\/nul\.sql:1:14: error: This file contains a NUL byte/);
  assert.match(r.out, /models\/silver\/schema\.yml:2:1: error: 'models' must be a list of entries \(write each entry as '- name: a'\)/);
  assert.match(r.out, /pipeline\.yml:9:21: error: dedupe_on names 'nope_col', which is not a column of the source ev \(id\)/);
  assert.doesNotMatch(r.out, /Running/);
  assert.deepEqual(s.around(), before);
});

test('dedupe_on without declared columns is checked against the files; a bad column type points at the column', (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
lake: ./lake
sources:
  loose:
    format: json
    path: bronze/loose/*.json
    dedupe_on: [nope_col]
  typed:
    format: json
    path: bronze/typed/*.json
    columns:
      id: { type: integer }
      amount: { type: 'decimal(10' }
//- /lake/bronze/loose/a.json
{"id": 1}
//- /lake/bronze/typed/a.json
{"id": 1, "amount": 2}
`);
  t.after(() => s.dispose());
  const r = medallion(s.root, 'build');
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /pipeline\.yml:4:3: error: dedupe_on names 'nope_col', not a column of the files of loose \(id\)/);
  assert.match(r.out, /pipeline\.yml:13:7: error: column amount: 'decimal\(10' is not a DuckDB type/);
  assert.doesNotMatch(r.out, /CAST|SELECT|QUALIFY|Invalid Input Error/i);
});

test("a singular test's SQL error is its own query's, and a selector matching nothing exits 1 with a message", (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
//- /models/silver/a.sql
select 1 as id
//- /tests/broken.sql
select id from {{ ref('a') }} where
`);
  t.after(() => s.dispose());
  const r = medallion(s.root, 'build');
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /ERROR +test broken · Parser Error: syntax error at end of input/);
  assert.doesNotMatch(r.out, /dbt_internal_test|count\(\*\)/);
  for (const command of ['build', 'run', 'test', 'ls', 'compile']) {
    const none = medallion(s.root, command, '-s', '+++nope+++');
    assert.equal(none.status, 1, `${command}: ${none.out}`);
    assert.match(none.out, /\+\+\+nope\+\+\+ matches no node/, command);
  }
});
