// Types from where the run gets them (declared → catalog → inferred → unknown), and unknown is not
// VARCHAR: a diagnostic that depends on an unknown type or on a model that did not bind is never given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { hover } from '../../../server/src/analysis/hover.js';
import { splitRelation } from '../../../runtime/engine/sql.js';
import { open, withFile } from './support.js';

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

async function diagnostics(fixtureText: string, files: string[], catalog?: string) {
  const opened = await open(fixtureText);
  if (catalog !== undefined) {
    opened.f.fs.files.set(`${opened.f.root}/target/catalog.json`, catalog);
    await opened.ws.reload('target/catalog.json');
  }
  await opened.ws.binder.bindFiles(files);
  return { ...opened, of: (file: string) => boundDiagnostics(opened.ws, file).map((d) => d.message) };
}

test('arithmetic on an untyped seed column: the seed is typed as dbt types it, so no diagnostic', async () => {
  const { of, ws } = await diagnostics(SHOP, ['models/stg_payments.sql', 'models/orders.sql']);
  assert.deepEqual(of('models/stg_payments.sql'), []);
  assert.deepEqual(of('models/orders.sql'), []);
  assert.deepEqual(ws.columns('seed.payments').map((c) => c.type), ['INTEGER', 'INTEGER', 'INTEGER']);
});

test('with column_types {amount: varchar} the same model shows the real error, and nothing cascades downstream', async () => {
  const typed = withFile(SHOP, 'seeds/schema.yml', 'version: 2\nseeds:\n  - name: payments\n    config:\n      column_types: {amount: varchar}\n');
  const { of } = await diagnostics(typed, ['models/stg_payments.sql', 'models/orders.sql']);
  assert.equal(of('models/stg_payments.sql').length, 1);
  assert.match(of('models/stg_payments.sql')[0], /No function matches the given name and argument types '\/\(VARCHAR, DECIMAL\(4,1\)\)'/);
  // stg_payments does not bind; its schema YAML documents only `id`, which must not make `amount` "not found".
  assert.deepEqual(of('models/orders.sql'), []);
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
  const { of, ws } = await diagnostics(SOURCED, ['models/stg_payments.sql', 'models/orders.sql']);
  assert.deepEqual(of('models/stg_payments.sql'), []);
  assert.deepEqual(of('models/orders.sql'), []);
  const text = 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: payments\n        columns:\n          - name: amount\n';
  const h = await hover(ws, 'models/sources.yml', text.indexOf('payments') + 1);
  assert.match(h?.markdown ?? '', /\| amount \| \*type unknown until built\* \|/);
});

test("the last build's catalog types a source: its real columns are checked, its types used", async () => {
  const relation = (await open(SOURCED)).ws.snapshot().project.sources.get('raw.payments')!.relation;
  const good = await diagnostics(SOURCED, ['models/stg_payments.sql', 'models/orders.sql'], catalogOf(relation, { id: 'INTEGER', amount: 'BIGINT' }));
  assert.deepEqual(good.of('models/stg_payments.sql'), []);
  assert.deepEqual(good.ws.columns('model.stg_payments').map((c) => [c.name, c.type]), [['id', 'INTEGER'], ['amount', 'DOUBLE']]);
  const varchar = await diagnostics(SOURCED, ['models/stg_payments.sql'], catalogOf(relation, { id: 'INTEGER', amount: 'VARCHAR' }));
  assert.match(varchar.of('models/stg_payments.sql')[0] ?? '', /No function matches/);
  const renamed = await diagnostics(withFile(SOURCED, 'models/stg_payments.sql', "select id, amout from {{ source('raw', 'payments') }}"), ['models/stg_payments.sql'], catalogOf(relation, { id: 'INTEGER', amount: 'BIGINT' }));
  assert.deepEqual(renamed.of('models/stg_payments.sql'), ['column amout not found — did you mean amount']);
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
  const { of, ws } = await diagnostics(pipeline, ['models/silver/events.sql', 'models/silver/cast.sql']);
  assert.deepEqual(ws.columns('source.bronze.app_logs').map((c) => `${c.name}:${c.type}`), ['event_id:varchar', 'amount:VARCHAR']);
  assert.match(of('models/silver/events.sql')[0] ?? '', /No function matches the given name and argument types '\/\(VARCHAR, DECIMAL\(4,1\)\)'/);
  assert.deepEqual(of('models/silver/cast.sql'), []);
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
  const { of, ws } = await diagnostics(project, ['models/events.sql', 'models/days.sql', 'models/totals.sql', 'models/typo.sql']);
  assert.deepEqual(of('models/events.sql'), []);
  // DuckDB cannot choose a date_trunc for an untyped NULL: an error that only the unknown type causes.
  assert.deepEqual(of('models/days.sql'), []);
  assert.deepEqual(of('models/totals.sql'), []);
  // Names stay certain: a typo of a column is still found.
  assert.deepEqual(of('models/typo.sql'), ['column dolars not found — did you mean dollars']);
  assert.deepEqual(ws.columns('model.events').map((c) => c.type), [undefined, undefined]);
});

test('a model that binds only for some type of an unknown column: no diagnostic, but its column names reach downstream', async () => {
  const untyped = `${UNKNOWN_TYPED}
//- /models/daily.sql
select event_id, date_trunc('day', ts) as day from {{ ref('app_logs') }}
//- /models/gold.sql
select day, count(*) as n, max(evnt_id) as last_id from {{ ref('daily') }} group by day
`;
  const { of, ws } = await diagnostics(untyped, ['models/gold.sql']);
  assert.deepEqual(of('models/daily.sql'), []);
  assert.deepEqual(ws.columns('model.daily').map((c) => `${c.name}:${c.type ?? '?'}`), ['event_id:?', 'day:?']);
  assert.deepEqual(of('models/gold.sql'), ['column evnt_id not found — did you mean event_id']);
});
