// The runner end to end on a real warehouse: atomic replacement when a model fails half-way, the
// downstream of a failure skipped, --fail-fast, cancellation, run_results.json, and the warehouse lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import type { RunEvent } from '../../../runtime/run/types.js';
import { jsonl, tempProject } from './project.js';

const PIPELINE = `
//- /pipeline.yml
name: shop
sources:
  items:
    format: json
    path: bronze/items/*.json
    columns:
      id: { type: integer, required: true }
      qty: { type: varchar }
`;

test('a model failing half-way (a cast failing in the last rows) leaves the old table and the old Parquet', async (t) => {
  const p = tempProject(`${PIPELINE}
//- /models/silver/items_clean.sql
{{ config(materialized='table') }}
select id, cast(qty as integer) as qty from {{ source('bronze', 'items') }} order by id
`);
  t.after(() => p.dispose());
  p.write('lake/bronze/items/a.json', jsonl(Array.from({ length: 3000 }, (_, i) => ({ id: i, qty: String(i % 7) }))));
  assert.equal((await p.run()).success, true);
  const parquetBefore = readdirSync(path.join(p.root, 'lake', 'silver', 'items_clean'));
  // The bronze contract lets 'many' through (qty is text there); the model's cast fails at run time, on the last row.
  p.write('lake/bronze/items/b.json', jsonl([{ id: 99999, qty: 'many' }]));
  const run = await p.run();
  const model = run.results.find((r) => r.id === 'model.items_clean')!;
  assert.equal(model.status, 'error');
  assert.match(model.error!.message, /Could not convert string 'many'/);
  assert.equal(model.error!.file, 'models/silver/items_clean.sql');
  assert.deepEqual(await p.query('SELECT count(*)::INT AS n, max(id) AS top FROM items_clean'), [{ n: 3000, top: 2999 }]);
  assert.deepEqual(await p.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%items_clean%'"), [{ table_name: 'items_clean' }]);
  assert.deepEqual(readdirSync(path.join(p.root, 'lake', 'silver', 'items_clean')), parquetBefore);
  assert.deepEqual(readdirSync(path.join(p.root, 'lake', 'silver')), ['items_clean']);
  const db = await openMemory();
  t.after(() => db.close());
  const parquet = await db.query(`SELECT count(*)::INT AS n FROM read_parquet('${path.join(p.root, 'lake', 'silver', 'items_clean')}/*.parquet')`);
  assert.deepEqual(parquet.rows, [{ n: 3000 }]);
});

const CHAIN = `
//- /pipeline.yml
name: chain
//- /models/a.sql
{{ config(materialized='table') }}
select 1 as x
//- /models/b.sql
{{ config(materialized='table') }}
select x, nope from {{ ref('a') }}
//- /models/c.sql
select * from {{ ref('b') }}
//- /models/d.sql
select * from {{ ref('a') }}
`;

test('the downstream of a failure is skipped, the rest runs; run_results.json records every node', async (t) => {
  const p = tempProject(CHAIN);
  t.after(() => p.dispose());
  const events: RunEvent[] = [];
  const run = await p.run({ onEvent: (e) => events.push(e) });
  assert.equal(run.success, false);
  const status = Object.fromEntries(run.results.map((r) => [r.name, r.status]));
  assert.deepEqual(status, { a: 'success', b: 'error', c: 'skipped', d: 'success' });
  const b = run.results.find((r) => r.name === 'b')!;
  assert.equal(b.error!.file, 'models/b.sql');
  assert.match(b.error!.message, /nope/);
  // The binder's position in the compiled SQL lands on the name in the template.
  const text = readFileSync(path.join(p.root, 'models/b.sql'), 'utf8');
  assert.equal(text.slice(b.error!.range!.start, b.error!.range!.end), 'nope');
  assert.match(run.results.find((r) => r.name === 'c')!.message!, /upstream model\.b error/);
  assert.deepEqual(events.map((e) => e.type).filter((x, i, all) => all.indexOf(x) === i), ['start', 'node-start', 'node-finish', 'finish']);
  assert.equal(events.filter((e) => e.type === 'node-finish').length, 4);
  const saved = JSON.parse(readFileSync(path.join(p.root, 'target', 'run_results.json'), 'utf8'));
  // dbt's run_results.json (schema v6): unique ids with the project's name, times in seconds.
  assert.equal(saved.metadata.invocation_id, run.runId);
  assert.deepEqual(saved.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]), run.results.map((r) => [r.id.replace('.', '.chain.'), r.status]));
  assert.equal(typeof saved.results[0].execution_time, 'number');
});

test('--fail-fast stops the run at the first failure', async (t) => {
  const p = tempProject(`${CHAIN}
//- /models/slow.sql
{{ config(materialized='table') }}
select count(*) as n from range(20000000000) r1
`);
  t.after(() => p.dispose());
  const run = await p.run({ failFast: true, threads: 2 });
  const status = Object.fromEntries(run.results.map((r) => [r.name, r.status]));
  assert.equal(status.b, 'error');
  assert.equal(status.c, 'skipped');
  assert.ok(['cancelled', 'skipped'].includes(status.slow), `slow was ${status.slow}`);
  assert.equal(run.success, false);
});

test('an AbortSignal cancels the running model and the rest; the previous table stays', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: cancel
//- /models/slow.sql
{{ config(materialized='table') }}
select 1 as n
//- /models/after.sql
select * from {{ ref('slow') }}
`);
  t.after(() => p.dispose());
  assert.equal((await p.run()).success, true);
  p.write('models/slow.sql', "{{ config(materialized='table') }}\nselect count(*) as n from range(20000000000) r1\n");
  const controller = new AbortController();
  const run = await p.run({
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'node-start' && e.name === 'slow') controller.abort();
    },
  });
  assert.deepEqual(run.results.map((r) => [r.name, r.status]), [['slow', 'cancelled'], ['after', 'cancelled']]);
  assert.equal(run.success, false);
  assert.deepEqual(await p.query('SELECT n FROM slow'), [{ n: 1 }]);
});

test('a warehouse held by another process fails the run at once, naming the PID', async (t) => {
  const p = tempProject(CHAIN);
  t.after(() => p.dispose());
  const file = path.join(p.root, 'warehouse.duckdb');
  const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
    const { openWarehouse } = require(${JSON.stringify(path.resolve('runtime/engine/duckdb.ts'))});
    openWarehouse(${JSON.stringify(file)}).then(() => { process.stdout.write('ready\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); });
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => holder.kill());
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    holder.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  const run = await p.run();
  assert.equal(run.success, false);
  assert.deepEqual(run.results, []);
  assert.match(run.errors[0].message, new RegExp(`in use by another process \\(PID ${holder.pid}`));
  holder.stdin.end();
});

test('build: a relationships test back to a grandparent does not hold back the models between (no false cycle)', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: rel
//- /models/a.sql
{{ config(materialized='table') }}
select 1 as id
//- /models/b.sql
{{ config(materialized='table') }}
select id from {{ ref('a') }}
//- /models/c.sql
{{ config(materialized='table') }}
select id as a_id from {{ ref('b') }}
//- /models/schema.yml
models:
  - name: a
    columns:
      - name: id
        data_tests: [unique]
  - name: c
    columns:
      - name: a_id
        data_tests:
          - relationships: { to: "ref('a')", field: id }
`);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'build' });
  assert.deepEqual(run.results.filter((r) => r.status !== 'success').map((r) => `${r.id} ${r.status} ${r.message}`), []);
  assert.equal(run.results.length, 5);
  const at = (id: string): number => run.results.findIndex((r) => r.id.startsWith(id));
  assert.ok(at('test.unique_a_id') < at('model.b'), 'b waits for the test on its parent');
});

test('build: a failed model skips its tests; a sibling that reads only the shared parent still runs (no false cycle)', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: skip
//- /models/a.sql
{{ config(materialized='table') }}
select 1 as id
//- /models/c.sql
{{ config(materialized='table') }}
select id as a_id, nope from {{ ref('a') }}
//- /models/d.sql
{{ config(materialized='table') }}
select id from {{ ref('a') }}
//- /models/schema.yml
models:
  - name: c
    columns:
      - name: a_id
        data_tests:
          - relationships: { to: "ref('a')", field: id }
`);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'build' });
  const status = Object.fromEntries(run.results.map((r) => [r.kind === 'test' ? 'test' : r.name, r.status]));
  assert.deepEqual(status, { a: 'success', c: 'error', d: 'success', test: 'skipped' });
  assert.match(run.results.find((r) => r.kind === 'test')!.message!, /upstream model\.c error/);
});
