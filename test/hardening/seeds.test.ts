// Issue 15 item 8 through the real CLI: a ragged row or an unterminated quote in a seed is an error
// naming the seed's line, and nothing of that seed is stored; the other seeds load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { openWarehouse } from '../../runtime/engine/duckdb.js';
import { sentinel } from './sentinel.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

test('malformed seeds: positioned errors, nothing stored silently', async (t) => {
  const s = sentinel(`
//- /dbt_project.yml
name: shop
//- /seeds/good.csv
id,name
1,a
//- /seeds/ragged.csv
id,name
1,a
2,b,extra
//- /seeds/quoted.csv
id,name
1,"never closed
2,b
`);
  t.after(() => s.dispose());
  const r = spawnSync(process.execPath, [CLI, 'seed', '--project', s.root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 1, out);
  assert.match(out, /seeds\/ragged\.csv:3:\d+: error: .*3 values but the header has 2/);
  assert.match(out, /seeds\/quoted\.csv:2:\d+: error: .*quote/i);
  const db = await openWarehouse(path.join(s.root, 'warehouse.duckdb'), { readOnly: true }).catch(() => undefined);
  const tables = db ? (await db.query("select table_name from information_schema.tables order by 1")).rows.map((x) => x.table_name) : [];
  db?.close();
  assert.ok(!tables.includes('ragged') && !tables.includes('quoted'), `nothing of a malformed seed is stored: ${tables.join(', ')}`);
});
