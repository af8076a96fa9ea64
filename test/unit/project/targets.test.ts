// Which engine a run uses: pipeline.yml `targets:` chosen by --target (DuckDB by default, Trino with
// dbt-trino's fields), and dbt profile outputs of `type: trino`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProject } from '../../../runtime/project/load.js';
import { fixture } from '../../support/fixture.js';

const PIPELINE = `
//- /pipeline.yml
name: shop
lake: { s3: { endpoint: 'http://127.0.0.1:9000', bucket: lake, access_key_env: K, secret_key_env: S } }
targets:
  dev:
    warehouse: ./dev.duckdb
  prod:
    engine: trino
    host: trino.internal
    port: 8443
    http_scheme: https
    user: etl
    password_env: TRINO_PASSWORD
    catalog: hive
    schema: analytics
    threads: 8
    session_properties: { query_max_run_time: 1h }
//- /models/orders.sql
select 1 as id
`;

test('pipeline.yml: no --target is dev on DuckDB; --target prod switches to Trino with its fields', async () => {
  const f = fixture(PIPELINE);
  const dev = await loadProject(f.fs, f.root, { env: {} });
  assert.deepEqual(dev.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(dev.config.trino, undefined);
  assert.equal(dev.config.warehouse, './dev.duckdb');
  assert.equal(dev.config.target.type, 'duckdb');

  const prod = await loadProject(f.fs, f.root, { env: {}, overrides: { target: 'prod' } });
  assert.deepEqual(prod.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(prod.config.trino, { host: 'trino.internal', port: 8443, user: 'etl', catalog: 'hive', schema: 'analytics', httpScheme: 'https', passwordEnv: 'TRINO_PASSWORD', sessionProperties: { query_max_run_time: '1h' } });
  assert.deepEqual(prod.config.target, { name: 'prod', type: 'trino', schema: 'analytics', threads: 8 });
});

test('pipeline.yml: an unknown target names the listed ones; a Trino target needs an S3 lake; a password in the file is refused', async () => {
  const unknown = await loadProject(fixture(PIPELINE).fs, '/project', { env: {}, overrides: { target: 'staging' } });
  assert.match(unknown.diagnostics.map((d) => d.message).join('\n'), /Unknown target 'staging': pipeline\.yml has the targets dev, prod/);
  const local = fixture(PIPELINE.replace(/^lake: .*$/m, 'lake: ./lake'));
  const onLocal = await loadProject(local.fs, local.root, { env: {}, overrides: { target: 'prod' } });
  assert.match(onLocal.diagnostics.map((d) => d.message).join('\n'), /The Trino target 'prod' needs an S3 lake/);
  assert.equal(onLocal.config.trino, undefined);
  const secret = fixture(PIPELINE.replace('password_env: TRINO_PASSWORD', 'password: hunter2'));
  const withSecret = await loadProject(secret.fs, secret.root, { env: {}, overrides: { target: 'prod' } });
  const messages = withSecret.diagnostics.map((d) => d.message).join('\n');
  assert.match(messages, /never read from a project file/);
  assert.ok(!messages.includes('hunter2'));
});

test('without targets:, --target only names target.name, as before', async () => {
  const f = fixture(PIPELINE.replace(/^targets:[\s\S]*?(?=\/\/- \/models)/m, ''));
  const project = await loadProject(f.fs, f.root, { env: {}, overrides: { target: 'ci' } });
  assert.deepEqual(project.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(project.config.target.name, 'ci');
  assert.equal(project.config.trino, undefined);
});

test('a dbt profile output of type trino: dbt-trino fields, env_var resolved, defaults filled', async () => {
  const f = fixture(`
//- /dbt_project.yml
name: shop
profile: shop
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: dev.duckdb
    prod:
      type: trino
      host: "{{ env_var('TRINO_HOST', 'localhost') }}"
      port: 8080
      user: dbt
      database: lake
      schema: marts
      threads: 4
//- /models/orders.sql
select 1 as id
`);
  const prod = await loadProject(f.fs, f.root, { env: { TRINO_HOST: 'coordinator' }, home: '/nowhere', overrides: { target: 'prod' } });
  assert.deepEqual(prod.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(prod.config.trino, { host: 'coordinator', port: 8080, user: 'dbt', catalog: 'lake', schema: 'marts', httpScheme: 'http', sessionProperties: {} });
  assert.equal(prod.config.target.type, 'trino');
  assert.equal(prod.models.get('orders')!.relation, '"marts"."orders"');
});
