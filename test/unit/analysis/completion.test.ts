// Completion in SQL templates and YAML files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete } from '../../../server/src/analysis/completion.js';
import { open, SHOP, withFile } from './support.js';

async function labels(fixtureText: string): Promise<Map<string, { detail?: string; documentation?: string; kind: string }>> {
  const { ws, file, offset } = await open(fixtureText);
  return new Map(complete(ws, file, offset).items.map((c) => [c.label, c]));
}

test('ref() offers models with layer, materialization and description, not the model itself', async () => {
  const items = await labels(withFile(SHOP, 'models/gold/revenue.sql', "select * from {{ ref('$0') }}"));
  assert.equal(items.get('events')?.detail, 'silver · table');
  assert.equal(items.get('events')?.documentation, 'Typed, deduplicated events');
  assert.equal(items.has('revenue'), false);
});

test('source() offers source names, then the tables of the chosen source', async () => {
  const sources = await labels(withFile(SHOP, 'models/silver/x.sql', "select * from {{ source('$0') }}"));
  assert.deepEqual([...sources.keys()], ['bronze']);
  const tables = await labels(withFile(SHOP, 'models/silver/x.sql', "select * from {{ source('bronze', '$0') }}"));
  assert.equal(tables.get('app_logs')?.documentation, 'Raw app events');
});

test('columns after alias-dot come from the relation the alias names', async () => {
  const items = await labels(withFile(SHOP, 'models/silver/x.sql', "select s.$0 from {{ source('bronze', 'app_logs') }} s"));
  assert.deepEqual([...items.keys()], ['event_id', 'user_id', 'amount', 'ts']);
  assert.equal(items.get('ts')?.detail, 'timestamptz');
});

test('a select list offers the columns of every relation in scope', async () => {
  const items = await labels(withFile(SHOP, 'models/gold/x.sql', "select $0 from {{ ref('revenue') }} r join {{ source('bronze', 'app_logs') }} a on true"));
  for (const c of ['user_id', 'revenue', 'event_id', 'amount']) assert.ok(items.has(c), c);
});

test('config() keys and the values of materialized', async () => {
  const keys = await labels(withFile(SHOP, 'models/gold/x.sql', '{{ config($0) }}\nselect 1'));
  assert.ok(keys.has('materialized') && keys.has('unique_key') && keys.has('incremental_strategy'));
  const values = await labels(withFile(SHOP, 'models/gold/x.sql', "{{ config(materialized='$0') }}\nselect 1"));
  assert.deepEqual([...values.keys()], ['view', 'table', 'incremental', 'ephemeral']);
});

test('Jinja expressions offer builtins and project macros; statements offer keywords', async () => {
  const expr = await labels(withFile(SHOP, 'models/gold/x.sql', 'select {{ $0 }}'));
  assert.equal(expr.get('cents')?.detail, 'macro(x)');
  assert.ok(expr.has('ref') && expr.has('is_incremental'));
  const stmt = await labels(withFile(SHOP, 'models/gold/x.sql', '{% $0 %}'));
  assert.ok(stmt.has('if') && stmt.has('endif') && stmt.has('macro'));
});

test('pipeline.yml: top-level keys from the JSON Schema, without the ones already there', async () => {
  const items = await labels(SHOP.replace('name: shop\n', 'name: shop\n$0\n'));
  assert.ok(items.has('lake') && items.has('warehouse') && items.has('vars'));
  assert.equal(items.has('name') || items.has('sources'), false);
  assert.match(items.get('lake')?.documentation ?? '', /bronze/);
});

test('pipeline.yml: source keys, format values and column types', async () => {
  const keys = await labels(SHOP.replace('    format: json\n', '    format: json\n    $0\n'));
  assert.deepEqual([...keys.keys()], ['dedupe_on', 'options', 'loaded_at_field', 'freshness', 'tests', 'data_tests']);
  const formats = await labels(SHOP.replace('format: json', 'format: $0'));
  assert.deepEqual([...formats.keys()], ['json', 'csv', 'parquet']);
  const types = await labels(SHOP.replace('      ts: { type: timestamptz }', '      ts:\n        type: $0'));
  assert.ok(types.has('timestamptz') && types.has('bigint'));
});

test('schema YAML: keys under a model and a column, model names, data types and test names', async () => {
  const modelKeys = await labels(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    $0'));
  assert.ok(modelKeys.has('columns') && modelKeys.has('description') && !modelKeys.has('name'));
  const names = await labels(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: $0'));
  assert.ok(names.has('events') && names.has('revenue'));
  const types = await labels(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: ts\n        data_type: $0'));
  assert.ok(types.has('timestamp with time zone'));
  const tests = await labels(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: ts\n        data_tests:\n          - $0'));
  assert.deepEqual([...tests.keys()], ['unique', 'not_null', 'accepted_values', 'relationships']);
});

test("schema YAML: test names include the project's {% test %} blocks, with their parameters", async () => {
  const own = withFile(SHOP, 'tests/generic/at_least.sql', '{% test at_least(model, column_name, min_value=0) %}\nselect 1\n{% endtest %}');
  const items = await labels(withFile(own, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests:\n          - $0'));
  assert.deepEqual([...items.keys()], ['unique', 'not_null', 'accepted_values', 'relationships', 'at_least']);
  assert.equal(items.get('at_least')?.detail, 'test(model, column_name, min_value) · tests/generic/at_least.sql');
});

test('schema YAML: column names of the enclosing model come from its contract or binding', async () => {
  const { ws, file, offset } = await open(withFile(SHOP, 'models/gold/schema.yml', 'version: 2\nmodels:\n  - name: revenue\n    columns:\n      - name: user_id\n      - name: $0'));
  await ws.binder.bindFiles(['models/gold/revenue.sql']);
  const items = complete(ws, file, offset).items.map((c) => `${c.label}:${c.detail}`);
  assert.deepEqual(items, ['user_id:INTEGER', 'revenue:DOUBLE']);
});

test('long lists are cut to the best matches of what was typed, and marked incomplete', async () => {
  const models = Array.from({ length: 300 }, (_, i) => `//- /models/silver/stg_${i}.sql\nselect ${i} as id\n`).join('');
  const { ws, file, offset } = await open(`${models}//- /models/gold/x.sql\nselect * from {{ ref('stg_2$0') }}\n`);
  const all = complete(ws, file, offset);
  assert.equal(all.incomplete, false, '138 models match stg_2 (111 as a prefix): under the cap');
  assert.equal(all.items.length, 138);
  assert.ok(all.items.some((i) => i.label === 'stg_12'), 'in-order characters match too');
  const { ws: ws2, file: f2, offset: o2 } = await open(`${models}//- /models/gold/x.sql\nselect * from {{ ref('$0') }}\n`);
  const cut = complete(ws2, f2, o2);
  assert.equal(cut.incomplete, true);
  assert.equal(cut.items.length, 200);
  assert.equal(cut.items[0].label, 'stg_0', 'shortest names first');
});
