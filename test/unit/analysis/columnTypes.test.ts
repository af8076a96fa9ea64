// Types from where the run gets them (declared → catalog → inferred → unknown), and unknown is not
// VARCHAR: a diagnostic that depends on an unknown type or on a model that did not bind is never given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRelation } from '../../../runtime/engine/sql.js';
import { checkDiagnostics, checkHover, open, type Opened } from '../../support/check.js';
import { withFile } from './support.js';

/** A dbt-duckdb project as users write it: a seed without column_types, a macro doing arithmetic on it. */
const SHOP = `
//- /dbt_project.yml
name: shop
//- /seeds/payments.csv
id,order_id,amount
1,1,1000
2,1,250
//- /macros/dollars.sql
{% macro to_dollars(col) %}({{ col }} / 100.0){% endmacro %}
//- /models/stg_payments.sql
select id, order_id, {{ to_dollars('amount') }} as amount from {{ ref('payments') }}
//- /models/orders.sql
select order_id, sum(amount) as total from {{ ref('stg_payments') }} group by 1
//- /models/schema.yml
version: 2
models:
  - name: stg_payments
    columns:
      - name: id
`;

/** The fixture opened, with `catalog` as the last build's target/catalog.json when given. */
async function withCatalog(fixtureText: string, catalog?: string): Promise<Opened> {
  const opened = await open(fixtureText);
  if (catalog !== undefined) {
    opened.f.fs.files.set(`${opened.f.root}/target/catalog.json`, catalog);
    await opened.ws.reload('target/catalog.json');
  }
  return opened;
}

test('arithmetic on an untyped seed column: the seed is typed as dbt types it, so no diagnostic', async () => {
  const files = ['models/stg_payments.sql', 'models/orders.sql'];
  const opened = await open(SHOP);
  await checkDiagnostics(opened, `no diagnostics`, { files, bind: files });
  assert.deepEqual(opened.ws.snapshot().columns('seed.payments').map((c) => c.type), ['INTEGER', 'INTEGER', 'INTEGER']);
});

test('with column_types {amount: varchar} the same model shows the real error, and nothing cascades downstream', async () => {
  const typed = withFile(SHOP, 'seeds/schema.yml', 'version: 2\nseeds:\n  - name: payments\n    config:\n      column_types: {amount: varchar}\n');
  const files = ['models/stg_payments.sql', 'models/orders.sql'];
  // stg_payments does not bind; its schema YAML documents only `id`, which must not make `amount` "not found" in orders.
  await checkDiagnostics(typed, `models/stg_payments.sql: "{{ to_dollars('amount') }}": Binder: No function matches the given name and argument types '/(VARCHAR, DECIMAL(4,1))'. You might need to add explicit type casts. [error sql-error]`, { files, bind: files });
});

const SOURCED = `
//- /dbt_project.yml
name: shop
//- /models/sources.yml
version: 2
sources:
  - name: raw
    tables:
      - name: payments
        columns:
          - name: amount
//- /models/stg_payments.sql
select id, amount / 100.0 as amount from {{ source('raw', 'payments') }}
//- /models/orders.sql
select sum(amount) as total from {{ ref('stg_payments') }}
`;

function catalogOf(relation: string, columns: Record<string, string>): string {
  const { schema, name } = splitRelation(relation);
  const cols = Object.fromEntries(Object.entries(columns).map(([n, type], i) => [n, { type, index: i + 1, name: n, comment: null }]));
  return JSON.stringify({ metadata: {}, nodes: {}, sources: { 'source.shop.raw.payments': { metadata: { type: 'BASE TABLE', schema, name, database: 'dev' }, columns: cols, unique_id: 'source.shop.raw.payments' } }, errors: null });
}

test('a dbt source never built: its columns are unknown, so its models say nothing and hover says so', async () => {
  const files = ['models/stg_payments.sql', 'models/orders.sql'];
  const opened = await open(SOURCED);
  await checkDiagnostics(opened, `no diagnostics`, { files, bind: files });
  await checkHover({ ...opened, file: 'models/sources.yml', offset: opened.f.files['models/sources.yml'].indexOf('payments') + 1 }, `
    hover "payments"
    **raw.payments** — source

    | column | type | |
    |---|---|---|
    | amount | *type unknown until built* |  |

    **Downstream:** \`stg_payments\`
  `);
});

test("the last build's catalog types a source: its real columns are checked, its types used", async () => {
  const relation = (await open(SOURCED)).ws.snapshot().project.sources.get('raw.payments')!.relation;
  const stg = { files: ['models/stg_payments.sql'], bind: ['models/stg_payments.sql'] };
  const good = await withCatalog(SOURCED, catalogOf(relation, { id: 'INTEGER', amount: 'BIGINT' }));
  await checkDiagnostics(good, `no diagnostics`, { files: ['models/stg_payments.sql'], bind: ['models/stg_payments.sql', 'models/orders.sql'] });
  assert.deepEqual(good.ws.snapshot().columns('model.stg_payments').map((c) => [c.name, c.type]), [['id', 'INTEGER'], ['amount', 'DOUBLE']]);
  await checkDiagnostics(await withCatalog(SOURCED, catalogOf(relation, { id: 'INTEGER', amount: 'VARCHAR' })), `models/stg_payments.sql: "/": Binder: No function matches the given name and argument types '/(VARCHAR, DECIMAL(4,1))'. You might need to add explicit type casts. [error sql-error]`, stg);
  const renamed = withFile(SOURCED, 'models/stg_payments.sql', "select id, amout from {{ source('raw', 'payments') }}");
  await checkDiagnostics(await withCatalog(renamed, catalogOf(relation, { id: 'INTEGER', amount: 'BIGINT' })), `models/stg_payments.sql: "amout": column amout not found — did you mean amount [error unknown-column]`, stg);
});

test('an untyped pipeline.yml column is VARCHAR, as the load casts it: arithmetic on it is the error the run gives', async () => {
  const pipeline = `
//- /pipeline.yml
name: shop
sources:
  app_logs:
    format: json
    path: bronze/*.json
    columns:
      event_id: { type: varchar }
      amount: {}
//- /models/silver/events.sql
select event_id, amount / 100.0 as dollars from {{ source('bronze', 'app_logs') }}
//- /models/silver/cast.sql
select event_id, amount::double / 100.0 as dollars from {{ source('bronze', 'app_logs') }}
`;
  const files = ['models/silver/events.sql', 'models/silver/cast.sql'];
  const opened = await open(pipeline);
  await checkDiagnostics(opened, `models/silver/events.sql: "/": Binder: No function matches the given name and argument types '/(VARCHAR, DECIMAL(4,1))'. You might need to add explicit type casts. [error sql-error]`, { files, bind: files });
  assert.deepEqual(opened.ws.snapshot().columns('source.bronze.app_logs').map((c) => `${c.name}:${c.type}`), ['event_id:varchar', 'amount:VARCHAR']);
});

/**
 * A column of unknown type: an enforced contract naming a column without data_type, on a model that
 * cannot bind (its dbt source was never built).
 */
const UNKNOWN_TYPED = `
//- /dbt_project.yml
name: shop
//- /models/sources.yml
version: 2
sources:
  - name: raw
    tables:
      - name: logs
//- /models/app_logs.sql
select * from {{ source('raw', 'logs') }}
//- /models/app_logs.yml
version: 2
models:
  - name: app_logs
    config:
      contract: { enforced: true }
    columns:
      - name: event_id
        data_type: varchar
      - name: amount
      - name: ts
`;

test('a column of unknown type binds with anything; its output type stays unknown until built', async () => {
  const project = `${UNKNOWN_TYPED}
//- /models/events.sql
select event_id, amount / 100.0 as dollars from {{ ref('app_logs') }}
//- /models/days.sql
select date_trunc('day', ts) as day from {{ ref('app_logs') }}
//- /models/totals.sql
select sum(dollars) as total from {{ ref('events') }}
//- /models/typo.sql
select dolars from {{ ref('events') }}
`;
  const files = ['models/events.sql', 'models/days.sql', 'models/totals.sql', 'models/typo.sql'];
  const opened = await open(project);
  // None in days.sql: DuckDB cannot choose a date_trunc for an untyped NULL, an error only the unknown type causes.
  // Names stay certain: a typo of a column is still found.
  await checkDiagnostics(opened, `models/typo.sql: "dolars": column dolars not found — did you mean dollars [error unknown-column]`, { files, bind: files });
  assert.deepEqual(opened.ws.snapshot().columns('model.events').map((c) => c.type), [undefined, undefined]);
});

test('a model that binds only for some type of an unknown column: no diagnostic, but its column names reach downstream', async () => {
  const untyped = `${UNKNOWN_TYPED}
//- /models/daily.sql
select event_id, date_trunc('day', ts) as day from {{ ref('app_logs') }}
//- /models/gold.sql
select day, count(*) as n, max(evnt_id) as last_id from {{ ref('daily') }} group by day
`;
  const opened = await open(untyped);
  await checkDiagnostics(opened, `models/gold.sql: "evnt_id": column evnt_id not found — did you mean event_id [error unknown-column]`, { files: ['models/daily.sql', 'models/gold.sql'], bind: ['models/gold.sql'] });
  assert.deepEqual(opened.ws.snapshot().columns('model.daily').map((c) => `${c.name}:${c.type ?? '?'}`), ['event_id:?', 'day:?']);
});
