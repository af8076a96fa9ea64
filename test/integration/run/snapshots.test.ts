// Snapshots and hooks on a real warehouse: SCD type 2 history across runs, `snapshot` and `run`
// selecting what they should, bad configs failing at their position with nothing written, and
// hooks in order, failing their node at the hook and rolling a snapshot back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadProject } from '../../../runtime/project/load.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { runPipeline } from '../../../runtime/run/runner.js';
import { tempProject, type TempProject } from './project.js';

const CUSTOMERS = `
//- /pipeline.yml
name: crm
//- /seeds/customers.csv
id,tier,updated_at
1,gold,2024-03-01 09:00:00
2,silver,2024-03-01 10:00:00
3,bronze,2024-03-02 11:00:00
`;

/** `snippet` when the range of `file` covers it, else what the range covers. */
const text = (file: string, snippet: string, p: TempProject, range?: { start: number; end: number }): string => {
  assert.ok(range, `no range for ${file}`);
  const covered = readFileSync(path.join(p.root, file), 'utf8').slice(range.start, range.end);
  return covered.includes(snippet) ? snippet : covered;
};

test('a timestamp snapshot keeps every version: changed rows are closed at the new updated_at, deletes invalidated, ref() reads it', async (t) => {
  const p = tempProject(`${CUSTOMERS}
//- /snapshots/customers_history.sql
{% snapshot customers_history %}
{{ config(strategy='timestamp', unique_key='id', updated_at='updated_at', hard_deletes='invalidate') }}
select * from {{ ref('customers') }}
{% endsnapshot %}
//- /models/current.sql
{{ config(materialized='table') }}
select id, tier from {{ ref('customers_history') }} where dbt_valid_to is null
`);
  t.after(() => p.dispose());
  const first = await p.run({ command: 'build' });
  assert.equal(first.success, true);
  assert.deepEqual(first.results.map((r) => `${r.id}:${r.status}`), ['seed.customers:success', 'snapshot.customers_history:success', 'model.current:success']);
  p.write('seeds/customers.csv', 'id,tier,updated_at\n1,platinum,2024-03-05 09:00:00\n2,silver,2024-03-01 10:00:00\n');
  assert.equal((await p.run({ command: 'build' })).success, true);
  const rows = await p.query(`select id, tier, dbt_valid_from::varchar as "from", dbt_valid_to is null as open, md5(id::varchar || '|' || updated_at::varchar) = dbt_scd_id as scd from customers_history order by id, dbt_valid_from`);
  assert.deepEqual(rows, [
    { id: 1, tier: 'gold', from: '2024-03-01 09:00:00', open: false, scd: true },
    { id: 1, tier: 'platinum', from: '2024-03-05 09:00:00', open: true, scd: true },
    { id: 2, tier: 'silver', from: '2024-03-01 10:00:00', open: true, scd: true },
    { id: 3, tier: 'bronze', from: '2024-03-02 11:00:00', open: false, scd: true },
  ]);
  assert.deepEqual(await p.query('select id, tier from current order by id'), [{ id: 1, tier: 'platinum' }, { id: 2, tier: 'silver' }]);
  assert.deepEqual(await p.query("select dbt_valid_to::varchar as closed from customers_history where id = 1 and tier = 'gold'"), [{ closed: '2024-03-05 09:00:00' }]);
  // `snapshot` builds only snapshots; `run` never builds them.
  assert.deepEqual((await p.run({ command: 'snapshot' })).results.map((r) => r.id), ['snapshot.customers_history']);
  assert.deepEqual((await p.run({ command: 'run' })).results.map((r) => r.id), ['model.current']);
});

test('a check snapshot with a composite key and new_record marks deletions and reopens a re-inserted key', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: shop
//- /seeds/lines.csv
store,line,qty
1,1,5
1,2,7
2,1,1
//- /snapshots/snapshots.yml
snapshots:
  - name: line_history
    relation: ref('lines')
    config: { strategy: check, unique_key: [store, line], check_cols: all, hard_deletes: new_record }
`);
  t.after(() => p.dispose());
  assert.equal((await p.run({ command: 'build' })).success, true);
  p.write('seeds/lines.csv', 'store,line,qty\n1,1,6\n2,1,1\n');
  assert.equal((await p.run({ command: 'build' })).success, true);
  p.write('seeds/lines.csv', 'store,line,qty\n1,1,6\n1,2,7\n2,1,1\n');
  assert.equal((await p.run({ command: 'build' })).success, true);
  const rows = await p.query('select store, line, qty, dbt_is_deleted as deleted, dbt_valid_to is null as open from line_history order by store, line, dbt_valid_from, dbt_is_deleted');
  assert.deepEqual(rows, [
    { store: 1, line: 1, qty: 5, deleted: 'False', open: false },
    { store: 1, line: 1, qty: 6, deleted: 'False', open: true },
    { store: 1, line: 2, qty: 7, deleted: 'False', open: false },
    { store: 1, line: 2, qty: 7, deleted: 'True', open: false },
    { store: 1, line: 2, qty: 7, deleted: 'False', open: true },
    { store: 2, line: 1, qty: 1, deleted: 'False', open: true },
  ]);
});

test('a snapshot without unique_key is an error at its config() call when the project loads', async (t) => {
  const p = tempProject(`${CUSTOMERS}
//- /snapshots/bad.sql
{% snapshot bad %}
{{ config(strategy='timestamp', updated_at='updated_at') }}
select * from {{ ref('customers') }}
{% endsnapshot %}
`);
  t.after(() => p.dispose());
  const project = await loadProject(new NodeFileSystem(), p.root);
  const d = project.diagnostics.find((x) => x.code === 'bad-snapshot-config');
  assert.ok(d);
  assert.equal(d.file, 'snapshots/bad.sql');
  assert.match(d.message, /needs a 'unique_key'/);
  assert.equal(text('snapshots/bad.sql', 'config(', p, d.range), 'config(');
});

test('check_cols naming a missing column fails the snapshot at check_cols, before anything is written', async (t) => {
  const p = tempProject(`${CUSTOMERS}
//- /snapshots/tiers.sql
{% snapshot tiers %}
{{ config(strategy='check', unique_key='id', check_cols=['tier', 'teir']) }}
select * from {{ ref('customers') }}
{% endsnapshot %}
`);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'build' });
  const r = run.results.find((x) => x.id === 'snapshot.tiers')!;
  assert.equal(r.status, 'error');
  assert.match(r.error!.message, /check_cols names 'teir', not a column/);
  assert.equal(r.error!.file, 'snapshots/tiers.sql');
  assert.equal(text('snapshots/tiers.sql', "'teir'", p, r.error!.range), "'teir'");
  assert.deepEqual(await p.query("select count(*)::int as n from information_schema.tables where table_name like '%tiers%'"), [{ n: 0 }]);
});

test('hooks run in order around their node; a failing post-hook fails the node at the hook and rolls the snapshot back', async (t) => {
  const p = tempProject(`
//- /dbt_project.yml
name: audit
on-run-start: ["create table if not exists log (step varchar)", "insert into log values ('start')"]
on-run-end: "{% for r in results %}insert into log values ('{{ r.node.name }}={{ r.status }}');{% endfor %}"
models:
  audit:
    +pre-hook: "insert into log values ('pre ' || '{{ this.name }}')"
//- /seeds/plans.csv
id,fee,changed
1,9,2024-01-01
//- /models/fees.sql
{{ config(materialized='table', post_hook="insert into log values ('post')") }}
select * from {{ ref('plans') }}
//- /snapshots/plan_history.sql
{% snapshot plan_history %}
{{ config(strategy='timestamp', unique_key='id', updated_at='changed', post_hook=var('post', 'select 1')) }}
select * from {{ ref('plans') }}
{% endsnapshot %}
`);
  t.after(() => p.dispose());
  const first = await p.run({ command: 'build' });
  assert.deepEqual(first.errors, []);
  assert.equal(first.success, true, JSON.stringify(first.results.filter((r) => r.status !== 'success')));
  assert.deepEqual(first.results.map((r) => r.id), ['operation.audit-on-run-start-0', 'operation.audit-on-run-start-1', 'seed.plans', 'model.fees', 'snapshot.plan_history', 'operation.audit-on-run-end-0']);
  assert.deepEqual((await p.query('select step from log')).map((r) => (r as { step: string }).step), ['start', 'pre fees', 'post', 'plans=success', 'fees=success', 'plan_history=success']);
  p.write('seeds/plans.csv', 'id,fee,changed\n1,12,2024-02-01\n');
  const { project, graph } = await p.load();
  project.config.vars = { post: 'insert into missing_table values (1)' };
  const second = await runPipeline(project, graph, { command: 'snapshot' });
  const snap = second.results.find((r) => r.id === 'snapshot.plan_history')!;
  assert.equal(snap.status, 'error');
  assert.match(snap.error!.message, /post-hook 1 of plan_history failed: .*missing_table/);
  assert.equal(text('snapshots/plan_history.sql', 'var(', p, snap.error!.range), 'var(');
  assert.deepEqual(await p.query('select count(*)::int as n, max(fee) as fee from plan_history'), [{ n: 1, fee: 9 }]);
});

test('a table whose post-hook fails is rolled back, as dbt rolls it back; a transaction: false hook runs after the commit', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: fees
//- /models/fees.sql
{{ config(materialized='table', post_hook=[var('post', 'select 1'), {'sql': 'create table after_commit as select count(*)::int as n from fees', 'transaction': false}]) }}
select {{ var('fee', 1) }} as fee
`);
  t.after(() => p.dispose());
  const { project, graph } = await p.load();
  assert.equal((await runPipeline(project, graph, {})).success, true);
  assert.deepEqual(await p.query('select fee, (select n from after_commit) as n from fees'), [{ fee: 1, n: 1 }]);
  project.config.vars = { fee: 2, post: 'insert into nowhere values (1)' };
  const failed = (await runPipeline(project, graph, {})).results[0];
  assert.equal(failed.status, 'error');
  assert.match(failed.error!.message, /post-hook 1 of fees failed/);
  assert.equal(text('models/fees.sql', 'var(', p, failed.error!.range), 'var(');
  assert.deepEqual(await p.query('select fee from fees'), [{ fee: 1 }]);
});
