// SQL runs confined to the project: a model, or a template's run_query() in dbt's execute phase, cannot
// read or write a file outside the project, its warehouse's folder and its lake (DuckDB's
// allowed_directories); the project's own reads and writes still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { sentinel } from './sentinel.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

test('a model or run_query() reaching outside the project fails on a permission error; the rest builds', (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
lake: ./lake
//- /seeds/codes.csv
code
a
//- /models/silver/inside.sql
{{ config(materialized='table') }}
select code from {{ ref('codes') }}
`);
  t.after(() => s.dispose());
  const outside = path.join(s.box, 'outside');
  s.write('models/silver/reads.sql', `select * from read_text('${outside}/keep.json')\n`);
  s.write('models/silver/writes.sql', `{% do run_query("COPY (select 1 as x) TO '${outside}/pwned.csv'") %}\nselect 1 as x\n`);
  s.write('models/silver/attaches.sql', `{% do run_query("ATTACH '${outside}/evil.duckdb' AS evil") %}\nselect 1 as x\n`);
  const before = s.around();
  const r = spawnSync(process.execPath, [CLI, 'build', '--project', s.root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 1, out);
  for (const model of ['reads', 'writes', 'attaches']) assert.match(out, new RegExp(`ERROR +model ${model} · .*Permission Error: Cannot access file`), model);
  assert.match(out, /OK +model inside · 1 row, table/);
  assert.deepEqual(s.around(), before);
});

test("a folder the user names in MEDALLION_ALLOWED_DIRECTORIES may be read; the project cannot name one itself", (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
lake: ./lake
//- /models/silver/reads.sql
{{ config(materialized='table') }}
select count(*) as n from read_text('OUTSIDE/keep.json')
`);
  t.after(() => s.dispose());
  const outside = path.join(s.box, 'outside');
  s.write('models/silver/reads.sql', `{{ config(materialized='table') }}\nselect count(*) as n from read_text('${outside}/keep.json')\n`);
  const build = (env: Record<string, string>): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, [CLI, 'build', '--project', s.root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const refused = build({});
  assert.equal(refused.status, 1, refused.out);
  assert.match(refused.out, /Permission Error: Cannot access file/);
  const allowed = build({ MEDALLION_ALLOWED_DIRECTORIES: outside });
  assert.equal(allowed.status, 0, allowed.out);
  assert.match(allowed.out, /OK +model reads · 1 row, table/);
});
