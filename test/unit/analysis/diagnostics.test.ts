// Diagnostics: static ones from loading and linking, bound ones from DuckDB's binder (SQL errors
// mapped back to the template, unknown columns, static contracts on the SQL and the YAML), and the
// quick fixes of those that suggest a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDiagnostics, checkFix, open } from '../../support/check.js';
import { SHOP, withFile } from './support.js';

const REVENUE = 'models/gold/revenue.sql';
const revenue = (sql: string): string => withFile(SHOP, REVENUE, sql);

test('unknown ref: did-you-mean with a quick fix that replaces the name', async () => {
  await checkDiagnostics(revenue("select * from {{ ref('evnts') }}"), `models/gold/revenue.sql: "evnts": Unknown model 'evnts' in ref(); did you mean 'events'? [error unknown-ref]`);
  await checkFix(revenue("select * from {{ ref('ev$0nts') }}"), `
    Change to 'events' (preferred)
    --- models/gold/revenue.sql
    select * from {{ ref('events') }}
  `);
});

test('unknown source and source table: did-you-mean fixes on the name; no fix away from a diagnostic', async () => {
  await checkFix(revenue("select * from {{ source('bro$0nz', 'app_logs') }}"), `
    Change to 'bronze' (preferred)
    --- models/gold/revenue.sql
    select * from {{ source('bronze', 'app_logs') }}
  `);
  await checkFix(revenue("select * from {{ source('bronze', 'app_lo$0g') }}"), `
    Change to 'app_logs' (preferred)
    --- models/gold/revenue.sql
    select * from {{ source('bronze', 'app_logs') }}
  `);
  await checkFix(revenue("sel$0ect * from {{ ref('evnts') }}"), `no fix`);
});

test('a generic test nothing defines: did-you-mean on its name in the YAML, fixable; a {% test %} block defines one', async () => {
  const yaml = (tests: string): string => withFile(withFile(SHOP, 'models/silver/schema.yml', `version: 2\nmodels:\n  - name: events\n    columns:\n      - name: user_id\n        data_tests: ${tests}\n`),
    'macros/is_positive.sql', '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}');
  await checkDiagnostics(yaml('[uniqe, is_positive]'), `models/silver/schema.yml: "uniqe": Unknown generic test 'uniqe'; did you mean 'unique'? [error unknown-test]`);
  await checkFix(yaml('[uni$0qe, is_positive]'), `
    Change to 'unique' (preferred)
    --- models/silver/schema.yml
    version: 2
    models:
      - name: events
        columns:
          - name: user_id
            data_tests: [unique, is_positive]
  `);
});

test('a cycle is reported on the refs that form it', async () => {
  await checkDiagnostics(withFile(SHOP, 'models/silver/events.sql', "select * from {{ ref('revenue') }}"), `
    models/gold/revenue.sql: "ref('events')": Cycle: events → revenue → events [error cycle]
    models/silver/events.sql: "ref('revenue')": Cycle: revenue → events → revenue [error cycle]
  `);
});

test('a broken pipeline.yml is reported and per-file diagnostics keep working', async () => {
  const opened = await open(withFile(SHOP.replace('name: shop\n', 'name: [shop\n'), REVENUE, "select * from {{ ref('evnts') }}"));
  assert.equal(opened.ws.snapshot().project.state, 'failed');
  await checkDiagnostics(opened, `
    pipeline.yml: "s": YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [error yaml-syntax]
    pipeline.yml: "[shop": 'name' must be string [error bad-value]
    models/gold/revenue.sql: "evnts": Unknown model 'evnts' in ref(); did you mean 'events'? [error unknown-ref]
  `);
});

test('a SQL syntax error from DuckDB lands on the template text that produced it', async () => {
  await checkDiagnostics(revenue("select user_id,, amount from {{ ref('events') }}"), `models/gold/revenue.sql: ",": SQL syntax: syntax error at or near "," [error sql-error]`, { bind: [REVENUE] });
});

test('unknown column: "did you mean" on the column name, fixable', async () => {
  await checkDiagnostics(revenue("select user_id, sum(amout) as revenue from {{ ref('events') }} group by 1"), `models/gold/revenue.sql: "amout": column amout not found — did you mean amount [error unknown-column]`, { bind: [REVENUE] });
  await checkFix(revenue("select user_id, sum(am$0out) as revenue from {{ ref('events') }} group by 1"), `
    Change to 'amount' (preferred)
    --- models/gold/revenue.sql
    select user_id, sum(amount) as revenue from {{ ref('events') }} group by 1
  `, { bind: [REVENUE] });
});

test('contract: a type mismatch shows on the SQL column and on the YAML column', async () => {
  await checkDiagnostics(revenue("select e.user_id, count(*) as revenue from {{ ref('events') }} e group by 1"), `
    models/gold/schema.yml: "revenue": contract: column revenue is BIGINT in the SQL but declared as double [error contract-type-mismatch]
    models/gold/revenue.sql: "revenue": contract: column revenue is BIGINT in the SQL but declared as double [error contract-type-mismatch]
  `, { bind: [REVENUE] });
});

test('contract: missing and extra columns', async () => {
  await checkDiagnostics(revenue("select e.user_id as uid, sum(e.amount) as revenue from {{ ref('events') }} e group by 1"), `
    models/gold/schema.yml: "user_id": contract: column user_id is declared but revenue does not produce it [error contract-missing-column]
    models/gold/schema.yml: "revenue": contract: revenue produces column uid (INTEGER) which is not declared [error contract-extra-column]
    models/gold/revenue.sql: "select": contract: column user_id is declared but revenue does not produce it [error contract-missing-column]
    models/gold/revenue.sql: "uid": contract: revenue produces column uid (INTEGER) which is not declared [error contract-extra-column]
  `, { bind: [REVENUE] });
});

test('a model that satisfies its contract has no bound diagnostics; fixing a break clears them', async () => {
  const opened = await open(SHOP);
  await checkDiagnostics(opened, `no diagnostics`, { bind: [REVENUE] });
  opened.ws.setText(REVENUE, "select e.user_id, count(*) as revenue from {{ ref('events') }} e group by 1");
  await checkDiagnostics(opened, `
    models/gold/revenue.sql: "revenue": contract: column revenue is BIGINT in the SQL but declared as double [error contract-type-mismatch]
    models/gold/schema.yml: "revenue": contract: column revenue is BIGINT in the SQL but declared as double [error contract-type-mismatch]
  `, { bind: [REVENUE] });
  opened.ws.setText(REVENUE, "select e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e group by 1");
  await checkDiagnostics(opened, `no diagnostics`, { bind: [REVENUE] });
});

test('an upstream change re-binds downstream: a renamed column breaks the gold model', async () => {
  const opened = await open(SHOP);
  await checkDiagnostics(opened, `no diagnostics`, { bind: [REVENUE] });
  opened.ws.setText('models/silver/events.sql', "select event_id, user_id, amount as amnt, ts from {{ source('bronze', 'app_logs') }}");
  await checkDiagnostics(opened, `models/gold/revenue.sql: "amount": column amount not found — did you mean amnt [error unknown-column]`, { bind: [REVENUE] });
});

test('a table outside the project is a warning (it may exist in the warehouse); seeds bind from their CSV header', async () => {
  await checkDiagnostics(revenue('select * from raw_orders'), `models/gold/revenue.sql: "r": Catalog: Table with name raw_orders does not exist! [warning sql-error]`, { bind: [REVENUE] });
  await checkDiagnostics(`${SHOP}//- /seeds/codes.csv\ncode,label\na,A\n//- /models/gold/labels.sql\nselect labl from {{ ref('codes') }}\n`, `models/gold/labels.sql: "labl": column labl not found — did you mean label [error unknown-column]`, { bind: ['models/gold/labels.sql'] });
});
