// The editor on a pipeline.yml Trino target (setting medallion.target): models get the Validate on
// Trino lens, and DuckDB's binder is not run on their SQL (Trino-only SQL gets no DuckDB error), while
// the same model on the DuckDB target is bound as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDiagnostics, open, type Opened } from '../../support/check.js';
import { checkLenses } from '../../support/checkOutline.js';

const PROJECT = `
//- /pipeline.yml
name: shop
lake: { s3: { endpoint: 'http://127.0.0.1:9000', bucket: lake, access_key_env: AK, secret_key_env: SK } }
sources:
  app_logs:
    format: json
    path: bronze/app_logs/*.json
    columns:
      user_id: { type: integer }
targets:
  cluster:
    engine: trino
    port: 8080
//- /models/gold/users.sql
select approx_distinct(user_id) as users from {{ source('bronze', 'app_logs') }}
//- /snapshots/users_snapshot.sql
{% snapshot users_snapshot %}
{{ config(unique_key='user_id', strategy='check', check_cols='all') }}
select user_id from {{ source('bronze', 'app_logs') }}
{% endsnapshot %}
`;

const MODEL = 'models/gold/users.sql';

const onTarget = (target?: string, text = PROJECT): Promise<Opened> => open(text, { overrides: target ? { target } : {} });
const BIND = { files: [MODEL], bind: [MODEL] };

test('a Trino target: models have Run, Preview, Lineage and Validate on Trino; snapshots no Validate', async () => {
  const opened = await onTarget('cluster');
  assert.equal(opened.ws.snapshot().project.config.trino?.port, 8080);
  await checkLenses(opened, MODEL, `
    run users (run) at 0-0
    preview users (run) at 0-0
    lineage users (run) at 0-0
    validate users (run) at 0-0
  `);
  await checkLenses(opened, 'snapshots/users_snapshot.sql', `
    run users_snapshot (snapshot) at 0-0
    preview users_snapshot (snapshot) at 0-0
    lineage users_snapshot (snapshot) at 0-0
  `);
});

test('the DuckDB target (no --target): no Validate on Trino lens', async () => {
  const opened = await onTarget();
  assert.equal(opened.ws.snapshot().project.config.trino, undefined);
  await checkLenses(opened, MODEL, `
    run users (run) at 0-0
    preview users (run) at 0-0
    lineage users (run) at 0-0
  `);
});

test('DuckDB binds a model only on a DuckDB target: Trino-only SQL is an error there, not on the Trino target', async () => {
  await checkDiagnostics(await onTarget(), `models/gold/users.sql: "a": Catalog: Scalar Function with name approx_distinct does not exist! [warning sql-error]`, BIND);

  const trino = await onTarget('cluster');
  await checkDiagnostics(trino, `no diagnostics`, BIND);
  // Switching the setting back to DuckDB binds it again.
  await trino.ws.setOverrides({});
  await checkDiagnostics(trino, `models/gold/users.sql: "a": Catalog: Scalar Function with name approx_distinct does not exist! [warning sql-error]`, BIND);
});

/** The project with the model's SQL replaced. */
const withModel = (sql: string): string => PROJECT.replace("select approx_distinct(user_id) as users from {{ source('bronze', 'app_logs') }}", sql);

test('a Trino target keeps the static diagnostics and a template\'s render error', async () => {
  await checkDiagnostics(await onTarget('cluster', withModel("select * from {{ ref('nowhere') }}")), `models/gold/users.sql: "nowhere": Unknown model 'nowhere' in ref() [error unknown-ref]`, { files: [MODEL] });
  await checkDiagnostics(await onTarget('cluster', withModel('select {{ 1 / 0 }} as x')), `models/gold/users.sql: "{{ 1 / 0 }}": division by zero [error render-error]`, BIND);
});
