// The editor on a pipeline.yml Trino target (setting medallion.target): models get the Validate on
// Trino lens, and DuckDB's binder is not run on their SQL (Trino-only SQL gets no DuckDB error), while
// the same model on the DuckDB target is bound as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses } from '../../../server/src/analysis/lenses.js';
import { bindFiles, boundDiagnostics, staticDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { Workspace } from '../../../server/src/analysis/workspace.js';
import { fixture } from '../../support/fixture.js';

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

async function open(target?: string): Promise<Workspace> {
  const f = fixture(PROJECT);
  return Workspace.open(f.fs, f.root, { overrides: target ? { target } : {} });
}

test('a Trino target: models have Run, Preview, Lineage and Validate on Trino; snapshots no Validate', async () => {
  const ws = await open('cluster');
  assert.equal(ws.snapshot().project.config.trino?.port, 8080);
  assert.deepEqual(codeLenses(ws, MODEL).map((l) => l.action), ['run', 'preview', 'lineage', 'validate']);
  assert.deepEqual(codeLenses(ws, 'snapshots/users_snapshot.sql').map((l) => l.action), ['run', 'preview', 'lineage']);
});

test('the DuckDB target (no --target): no Validate on Trino lens', async () => {
  const ws = await open();
  assert.equal(ws.snapshot().project.config.trino, undefined);
  assert.deepEqual(codeLenses(ws, MODEL).map((l) => l.action), ['run', 'preview', 'lineage']);
});

test('DuckDB binds a model only on a DuckDB target: Trino-only SQL is an error there, not on the Trino target', async () => {
  const duckdb = await open();
  await bindFiles(duckdb, [MODEL]);
  assert.match(boundDiagnostics(duckdb, MODEL).map((d) => d.message).join('\n'), /approx_distinct/);

  const trino = await open('cluster');
  await bindFiles(trino, [MODEL]);
  assert.deepEqual(boundDiagnostics(trino, MODEL), []);
  // Switching the setting back to DuckDB binds it again.
  await trino.setOverrides({});
  await bindFiles(trino, [MODEL]);
  assert.match(boundDiagnostics(trino, MODEL).map((d) => d.message).join('\n'), /approx_distinct/);
});

/** The project with the model's SQL replaced, on the Trino target. */
async function withModel(sql: string): Promise<Workspace> {
  const f = fixture(PROJECT.replace("select approx_distinct(user_id) as users from {{ source('bronze', 'app_logs') }}", sql));
  return Workspace.open(f.fs, f.root, { overrides: { target: 'cluster' } });
}

test('a Trino target keeps the static diagnostics and a template\'s render error', async () => {
  const unknown = await withModel("select * from {{ ref('nowhere') }}");
  assert.match((staticDiagnostics(unknown).get(MODEL) ?? []).map((d) => d.message).join('\n'), /nowhere/);
  const failing = await withModel("select {{ 1 / 0 }} as x");
  await bindFiles(failing, [MODEL]);
  assert.ok(boundDiagnostics(failing, MODEL).some((d) => d.severity === 'error'), JSON.stringify(boundDiagnostics(failing, MODEL)));
});
