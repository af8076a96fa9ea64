// Contracts: type names normalized (int = integer = int4 …), each mismatch kind reported in dbt's
// table before the model runs, and constraints checked on the staged rows before the swap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareContract, formatContractError, normalizeType, typesMatch } from '../../../runtime/run/contracts.js';
import type { ColumnSpec } from '../../../runtime/project/types.js';
import { tempProject } from './project.js';

const col = (name: string, dataType?: string): ColumnSpec => ({ name, dataType, constraints: [], tests: [], location: { file: 'models/schema.yml', range: { start: 0, end: 0 } } });

test('type aliases normalize to one spelling', () => {
  const same: Array<[string, string]> = [
    ['int', 'INTEGER'], ['int4', 'INTEGER'], ['integer', 'INTEGER'], ['INT8', 'BIGINT'], ['long', 'BIGINT'],
    ['text', 'VARCHAR'], ['string', 'VARCHAR'], ['varchar(20)', 'VARCHAR'], ['character varying', 'VARCHAR'],
    ['timestamptz', 'TIMESTAMP WITH TIME ZONE'], ['timestamp  with time zone', 'TIMESTAMP WITH TIME ZONE'],
    ['datetime', 'TIMESTAMP'], ['bool', 'BOOLEAN'], ['float8', 'DOUBLE'], ['real', 'FLOAT'],
    ['numeric', 'DECIMAL(18,3)'], ['numeric(10, 2)', 'DECIMAL(10,2)'], ['int[]', 'INTEGER[]'], ['bytea', 'BLOB'],
  ];
  for (const [alias, canonical] of same) assert.equal(normalizeType(alias), canonical, alias);
  assert.ok(typesMatch('DECIMAL(10,2)', 'numeric'));
  assert.ok(!typesMatch('DECIMAL(10,2)', 'decimal(12,2)'));
  assert.ok(!typesMatch('TIMESTAMP', 'timestamptz'));
});

test('each mismatch kind is found and shown as a table', () => {
  const mismatches = compareContract(
    [{ name: 'id', type: 'VARCHAR' }, { name: 'Amount', type: 'DECIMAL(10,2)' }, { name: 'extra', type: 'DATE' }],
    [col('id', 'integer'), col('amount', 'numeric'), col('name', 'text')],
  );
  assert.deepEqual(mismatches.map(({ column, modelType, contractType, reason }) => ({ column, modelType, contractType, reason })), [
    { column: 'id', modelType: 'VARCHAR', contractType: 'integer', reason: 'data type mismatch' },
    { column: 'name', modelType: undefined, contractType: 'text', reason: 'missing in definition' },
    { column: 'extra', modelType: 'DATE', contractType: undefined, reason: 'missing in contract' },
  ]);
  assert.equal(formatContractError('orders', mismatches), [
    'The model orders has an enforced contract that failed.',
    'Make the name, data type and number of columns in the contract match the columns the model selects.',
    '',
    '| column | model type | contract type | reason                |',
    '| ------ | ---------- | ------------- | --------------------- |',
    '| id     | VARCHAR    | integer       | data type mismatch    |',
    '| name   |            | text          | missing in definition |',
    '| extra  | DATE       |               | missing in contract   |',
  ].join('\n'));
});

const project = (sql: string, columns: string): string => `
//- /pipeline.yml
name: shop
//- /models/silver/orders.sql
{{ config(materialized='table') }}
${sql}
//- /models/silver/schema.yml
version: 2
models:
  - name: orders
    config:
      contract: { enforced: true }
    columns:
${columns}
`;

const COLUMNS = `      - name: id
        data_type: int
        constraints: [{ type: not_null }, { type: unique }]
      - name: amount
        data_type: numeric(10,2)
        constraints: [{ type: check, expression: 'amount >= 0' }]
      - name: label
        data_type: text`;

test('a model matching its contract runs, with columns in the contract order', async (t) => {
  const p = tempProject(project("select 'a' as label, 1.5::decimal(10,2) as amount, 1 as id", COLUMNS));
  t.after(() => p.dispose());
  const run = await p.run();
  assert.equal(run.success, true, JSON.stringify(run.results));
  assert.deepEqual(await p.query('SELECT * FROM orders'), [{ id: 1, amount: '1.50', label: 'a' }]);
});

test('a contract mismatch fails before the model runs, with the table, on the YAML', async (t) => {
  const p = tempProject(project("select 'x' as id, 1.5 as amount, 2 as other", COLUMNS));
  t.after(() => p.dispose());
  const run = await p.run();
  const model = run.results.find((r) => r.id === 'model.orders')!;
  assert.equal(model.status, 'error');
  assert.equal(model.error!.file, 'models/silver/schema.yml');
  const table = model.error!.message.split('\n').slice(3).join('\n');
  assert.equal(table, [
    '| column | model type   | contract type | reason                |',
    '| ------ | ------------ | ------------- | --------------------- |',
    '| id     | VARCHAR      | int           | data type mismatch    |',
    '| amount | DECIMAL(2,1) | numeric(10,2) | data type mismatch    |',
    '| label  |              | text          | missing in definition |',
    '| other  | INTEGER      |               | missing in contract   |',
  ].join('\n'));
  assert.deepEqual(await p.query("SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name LIKE '%orders%'"), [{ n: 0 }]);
});

test('constraints are checked on the staged rows; a violation keeps the previous table', async (t) => {
  const p = tempProject(project("select 1 as id, 1.00::decimal(10,2) as amount, 'ok' as label", COLUMNS));
  t.after(() => p.dispose());
  assert.equal((await p.run()).success, true);
  const cases: Array<[string, RegExp]> = [
    ["select * from (values (1, 1.00::decimal(10,2), 'a'), (null, 2.00::decimal(10,2), 'b')) v(id, amount, label)", /not_null on id: 1 row/],
    ["select * from (values (1, 1.00::decimal(10,2), 'a'), (1, 2.00::decimal(10,2), 'b')) v(id, amount, label)", /unique on id \(duplicate values\): 1 row/],
    ["select 2 as id, -1.00::decimal(10,2) as amount, 'neg' as label", /check \(amount >= 0\) on amount: 1 row/],
  ];
  for (const [sql, expected] of cases) {
    p.write('models/silver/orders.sql', `{{ config(materialized='table') }}\n${sql}\n`);
    const run = await p.run();
    const model = run.results.find((r) => r.id === 'model.orders')!;
    assert.equal(model.status, 'error');
    assert.match(model.error!.message, expected);
    assert.deepEqual(await p.query('SELECT id, label FROM orders'), [{ id: 1, label: 'ok' }]);
  }
});
