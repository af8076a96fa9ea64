// Diagnostics: static ones from loading and linking, bound ones from DuckDB's binder (SQL errors
// mapped back to the template, unknown columns, static contracts on the SQL and the YAML).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundDiagnostics, staticDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { quickFixes } from '../../../server/src/analysis/quickFix.js';
import { rangeOf } from '../../support/fixture.js';
import { open, SHOP, withFile } from './support.js';

async function bound(fixtureText: string, file: string): Promise<Awaited<ReturnType<typeof open>> & { list: ReturnType<typeof boundDiagnostics> }> {
  const opened = await open(fixtureText);
  await opened.ws.binder.bindFiles([file]);
  return { ...opened, list: boundDiagnostics(opened.ws, file) };
}

test('unknown ref: did-you-mean with a quick fix that replaces the name', async () => {
  const { ws, f } = await open(withFile(SHOP, 'models/gold/revenue.sql', "select * from {{ ref('evnts') }}"));
  const d = staticDiagnostics(ws).get('models/gold/revenue.sql')?.find((x) => x.code === 'unknown-ref');
  assert.ok(d);
  assert.match(d.message, /did you mean 'events'/);
  const [fix] = quickFixes('models/gold/revenue.sql', d);
  assert.deepEqual(fix.edit, { file: 'models/gold/revenue.sql', range: rangeOf(f, 'models/gold/revenue.sql', 'evnts'), newText: 'events' });
});

test('a generic test nothing defines: did-you-mean on its name in the YAML, fixable; a {% test %} block defines one', async () => {
  const yaml = 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: user_id\n        data_tests: [uniqe, is_positive]\n';
  const { ws, f } = await open(withFile(withFile(SHOP, 'models/silver/schema.yml', yaml), 'macros/is_positive.sql', '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}'));
  const list = (staticDiagnostics(ws).get('models/silver/schema.yml') ?? []).filter((d) => d.code === 'unknown-test');
  assert.deepEqual(list.map((d) => d.message), ["Unknown generic test 'uniqe'; did you mean 'unique'?"]);
  const [fix] = quickFixes('models/silver/schema.yml', list[0]);
  assert.deepEqual(fix.edit, { file: 'models/silver/schema.yml', range: rangeOf(f, 'models/silver/schema.yml', 'uniqe'), newText: 'unique' });
});

test('a cycle is reported on the refs that form it', async () => {
  const { ws } = await open(withFile(SHOP, 'models/silver/events.sql', "select * from {{ ref('revenue') }}"));
  const all = [...staticDiagnostics(ws).values()].flat().filter((d) => d.code === 'cycle');
  assert.deepEqual(new Set(all.map((d) => d.file)), new Set(['models/silver/events.sql', 'models/gold/revenue.sql']));
});

test('a broken pipeline.yml is reported and per-file diagnostics keep working', async () => {
  const broken = SHOP.replace('name: shop\n', 'name: [shop\n');
  const { ws } = await open(withFile(broken, 'models/gold/revenue.sql', "select * from {{ ref('evnts') }}"));
  const all = staticDiagnostics(ws);
  assert.ok(all.get('pipeline.yml')?.some((d) => d.code === 'yaml-syntax'));
  assert.equal(ws.snapshot().project.state, 'failed');
  assert.ok(all.get('models/gold/revenue.sql')?.some((d) => d.code === 'unknown-ref'));
});

test('a SQL syntax error from DuckDB lands on the template text that produced it', async () => {
  const { list, f } = await bound(withFile(SHOP, 'models/gold/revenue.sql', "select user_id,, amount from {{ ref('events') }}"), 'models/gold/revenue.sql');
  const d = list.find((x) => x.code === 'sql-error');
  assert.ok(d, JSON.stringify(list));
  const comma = rangeOf(f, 'models/gold/revenue.sql', ',,').start;
  assert.ok(d.range.start >= comma && d.range.start <= comma + 2, JSON.stringify(d.range));
});

test('unknown column: "did you mean" on the column name, fixable', async () => {
  const { list, f } = await bound(withFile(SHOP, 'models/gold/revenue.sql', "select user_id, sum(amout) as revenue from {{ ref('events') }} group by 1"), 'models/gold/revenue.sql');
  const d = list.find((x) => x.code === 'unknown-column');
  assert.ok(d, JSON.stringify(list));
  assert.equal(d.message, 'column amout not found — did you mean amount');
  assert.deepEqual(d.range, rangeOf(f, 'models/gold/revenue.sql', 'amout'));
  assert.equal(quickFixes('models/gold/revenue.sql', d)[0].edit.newText, 'amount');
});

test('contract: a type mismatch shows on the SQL column and on the YAML column', async () => {
  const { ws, list, f } = await bound(withFile(SHOP, 'models/gold/revenue.sql', "select e.user_id, count(*) as revenue from {{ ref('events') }} e group by 1"), 'models/gold/revenue.sql');
  const sql = list.find((x) => x.code === 'contract-type-mismatch');
  assert.ok(sql, JSON.stringify(list));
  assert.equal(sql.message, 'contract: column revenue is BIGINT in the SQL but declared as double');
  assert.deepEqual(sql.range, rangeOf(f, 'models/gold/revenue.sql', 'revenue'));
  const yaml = boundDiagnostics(ws, 'models/gold/schema.yml').find((x) => x.code === 'contract-type-mismatch');
  assert.ok(yaml);
  assert.equal(f.files['models/gold/schema.yml'].slice(yaml.range.start, yaml.range.end), 'revenue');
});

test('contract: missing and extra columns', async () => {
  const { ws, list } = await bound(withFile(SHOP, 'models/gold/revenue.sql', "select e.user_id as uid, sum(e.amount) as revenue from {{ ref('events') }} e group by 1"), 'models/gold/revenue.sql');
  assert.deepEqual(list.map((d) => d.code).sort(), ['contract-extra-column', 'contract-missing-column']);
  const yaml = boundDiagnostics(ws, 'models/gold/schema.yml').map((d) => d.message).sort();
  assert.deepEqual(yaml, [
    'contract: column user_id is declared but revenue does not produce it',
    'contract: revenue produces column uid (INTEGER) which is not declared',
  ]);
});

test('a model that satisfies its contract has no bound diagnostics; fixing a break clears them', async () => {
  const { ws, list } = await bound(SHOP, 'models/gold/revenue.sql');
  assert.deepEqual(list, []);
  ws.setText('models/gold/revenue.sql', "select e.user_id, count(*) as revenue from {{ ref('events') }} e group by 1");
  await ws.binder.bindFiles(['models/gold/revenue.sql']);
  assert.equal(boundDiagnostics(ws, 'models/gold/revenue.sql').length, 1);
  ws.setText('models/gold/revenue.sql', "select e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e group by 1");
  await ws.binder.bindFiles(['models/gold/revenue.sql']);
  assert.deepEqual(boundDiagnostics(ws, 'models/gold/revenue.sql'), []);
});

test('an upstream change re-binds downstream: a renamed column breaks the gold model', async () => {
  const { ws } = await bound(SHOP, 'models/gold/revenue.sql');
  ws.setText('models/silver/events.sql', "select event_id, user_id, amount as amnt, ts from {{ source('bronze', 'app_logs') }}");
  await ws.binder.bindFiles(['models/gold/revenue.sql']);
  const d = boundDiagnostics(ws, 'models/gold/revenue.sql').find((x) => x.code === 'unknown-column');
  assert.equal(d?.message, 'column amount not found — did you mean amnt');
});

test('a table outside the project is a warning (it may exist in the warehouse); seeds bind from their CSV header', async () => {
  const { list } = await bound(withFile(SHOP, 'models/gold/revenue.sql', 'select * from raw_orders'), 'models/gold/revenue.sql');
  assert.equal(list[0]?.severity, 'warning');
  assert.match(list[0]?.message ?? '', /raw_orders/);
  const seeded = await bound(`${SHOP}//- /seeds/codes.csv\ncode,label\na,A\n//- /models/gold/labels.sql\nselect labl from {{ ref('codes') }}\n`, 'models/gold/labels.sql');
  assert.equal(seeded.list[0]?.message, 'column labl not found — did you mean label');
});
