// loadProject: pipeline.yml, schema YAML, models, macros, seeds and tests, and every bad input the
// loader must turn into a diagnostic with file and range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATERIALIZATIONS } from '../../../runtime/project/config.js';
import { assertDiagnostics, describeAll, load } from './check.js';

const PIPELINE = `
//- /pipeline.yml
name: shop
lake: ./lake
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
    description: Raw events
    columns:
      event_id: { type: varchar, required: true }
      user_id: { type: integer }
    dedupe_on: [event_id]
vars:
  start_date: '2026-01-01'
models:
  silver:
    +materialized: table
    +tags: [core]
  gold:
    +tags: [bi]
    +schema: analytics
`;

test('pipeline.yml: config, defaults and bronze sources', async () => {
  const { project } = await load(`${PIPELINE}
//- /models/silver/events.sql
select * from {{ source('bronze', 'app_logs') }}
`);
  assert.equal(project.state, 'loaded');
  assert.deepEqual(project.diagnostics, []);
  const c = project.config;
  assert.equal(c.name, 'shop');
  assert.equal(c.format, 'pipeline');
  assert.deepEqual(c.lake, { kind: 'local', path: './lake' });
  assert.equal(c.warehouse, './warehouse.duckdb');
  assert.equal(c.threads, 4);
  assert.deepEqual(c.vars, { start_date: '2026-01-01' });
  assert.deepEqual(c.modelPaths, ['models']);
  const src = project.sources.get('bronze.app_logs')!;
  assert.equal(src.id, 'source.bronze.app_logs');
  assert.equal(src.relation, '"bronze"."app_logs"');
  assert.equal(src.format, 'json');
  assert.equal(src.path, 'bronze/app_logs/**/*.json');
  assert.deepEqual(src.dedupeOn, ['event_id']);
  assert.deepEqual(src.columns.map((col) => [col.name, col.dataType, col.required]), [['event_id', 'varchar', true], ['user_id', 'integer', false]]);
  assert.equal(src.location.file, 'pipeline.yml');
});

test('pipeline.yml: an S3 lake', async () => {
  const { project } = await load(`
//- /pipeline.yml
name: shop
lake:
  s3: { endpoint: 'http://127.0.0.1:9000', bucket: lake, access_key_env: MINIO_ROOT_USER, secret_key_env: MINIO_ROOT_PASSWORD }
threads: 2
`);
  assert.deepEqual(project.diagnostics, []);
  assert.deepEqual(project.config.lake, {
    kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'lake', prefix: '', region: 'us-east-1', forcePathStyle: true, accessKeyEnv: 'MINIO_ROOT_USER', secretKeyEnv: 'MINIO_ROOT_PASSWORD',
  });
  assert.equal(project.config.threads, 2);
});

test('pipeline.yml: an S3 lake with credentials from a profile, never with variables too', async () => {
  const { project } = await load(`
//- /pipeline.yml
name: shop
lake:
  s3: { endpoint: 'http://127.0.0.1:9000', bucket: lake, profile: minio-dev }
`);
  assert.deepEqual(project.diagnostics, []);
  assert.deepEqual(project.config.lake, {
    kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'lake', prefix: '', region: 'us-east-1', forcePathStyle: true, accessKeyEnv: 'AWS_ACCESS_KEY_ID', secretKeyEnv: 'AWS_SECRET_ACCESS_KEY', profile: 'minio-dev',
  });

  const both = await load(`
//- /pipeline.yml
name: shop
lake:
  s3: { bucket: lake, profile: minio-dev, access_key_env: MINIO_ROOT_USER }
`);
  assertDiagnostics(both.f, both.project.diagnostics, 'credential-conflict', [
    `pipeline.yml: "access_key_env": 'lake.s3.access_key_env' and 'lake.s3.profile' both name where the credentials come from; keep one (the profile reads the user's ~/.aws/credentials, the variables the environment)`,
  ]);
});

test('models: folder configs < schema YAML < config(), layers and relations', async () => {
  const { project } = await load(`${PIPELINE}
//- /models/silver/events.sql
{{ config(materialized='incremental', unique_key='event_id', tags=['hot']) }}
select * from {{ source('bronze', 'app_logs') }}
//- /models/silver/sessions.sql
select * from {{ ref('events') }}
//- /models/gold/dau.sql
select * from {{ ref('sessions') }}
//- /models/marts/misc.sql
{{ config(layer='gold') }}
select 1 as x
//- /models/other/plain.sql
select 1 as x
//- /models/silver/schema.yml
version: 2
models:
  - name: sessions
    description: One row per session
    config:
      materialized: view
    contract: { enforced: true }
    columns:
      - name: session_id
        data_type: varchar
        description: The session
        constraints: [{ type: not_null }]
`);
  assert.deepEqual(project.diagnostics, []);
  const events = project.models.get('events')!;
  assert.equal(events.id, 'model.events');
  assert.equal(events.layer, 'silver');
  assert.equal(events.config.materialized, 'incremental');
  assert.deepEqual(events.config.uniqueKey, ['event_id']);
  assert.deepEqual(events.config.tags, ['core', 'hot']);
  assert.equal(events.relation, '"main"."events"');
  const sessions = project.models.get('sessions')!;
  assert.equal(sessions.config.materialized, 'view');
  assert.equal(sessions.config.contractEnforced, true);
  assert.equal(sessions.description, 'One row per session');
  assert.deepEqual(sessions.spec!.columns.map((c) => [c.name, c.dataType, c.constraints.map((k) => k.type)]), [['session_id', 'varchar', ['not_null']]]);
  const dau = project.models.get('dau')!;
  assert.equal(dau.layer, 'gold');
  assert.equal(dau.config.schema, 'analytics');
  assert.equal(dau.relation, '"analytics"."dau"');
  assert.deepEqual(dau.config.tags, ['bi']);
  assert.equal(project.models.get('misc')!.layer, 'gold');
  assert.equal(project.models.get('plain')!.layer, undefined);
});

test('schema YAML: generic tests with arguments, severity and dbt 1.10 arguments', async () => {
  const { project } = await load(`${PIPELINE}
//- /models/silver/events.sql
select * from {{ source('bronze', 'app_logs') }}
//- /models/silver/users.sql
select 1 as id
//- /models/silver/schema.yml
version: 2
models:
  - name: events
    data_tests:
      - dbt_utils.expression_is_true: { expression: "1 = 1" }
    columns:
      - name: event_id
        data_tests: [unique, not_null]
      - name: action
        tests:
          - accepted_values:
              values: ['click', 'view']
              config: { severity: warn }
      - name: user_id
        data_tests:
          - relationships:
              arguments: { to: "ref('users')", field: id }
`);
  assert.deepEqual(project.diagnostics, []);
  const tests = [...project.tests.values()].map((t) => [t.name, t.attachedTo, t.severity, t.spec?.column, t.spec?.args]);
  assert.deepEqual(tests, [
    ['dbt_utils_expression_is_true_events_1_1', 'model.events', 'error', undefined, { expression: '1 = 1' }],
    ['unique_events_event_id', 'model.events', 'error', 'event_id', {}],
    ['not_null_events_event_id', 'model.events', 'error', 'event_id', {}],
    ['accepted_values_events_action__click__view', 'model.events', 'warn', 'action', { values: ['click', 'view'] }],
    ['relationships_events_user_id__id__ref_users_', 'model.events', 'error', 'user_id', { to: "ref('users')", field: 'id' }],
  ]);
  assert.equal(project.tests.get('unique_events_event_id')!.id, 'test.unique_events_event_id');
});

test('dbt schema sources, seeds with header and column types, macros and singular tests', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/staging/sources.yml
version: 2
sources:
  - name: raw
    schema: landing
    tables:
      - name: orders
        identifier: orders_v2
        columns:
          - name: id
            tests: [not_null]
//- /models/staging/stg_orders.sql
select * from {{ source('raw', 'orders') }} join {{ ref('countries') }} using (code)
//- /seeds/countries.csv
code,"name, long"
us,USA
//- /seeds/schema.yml
version: 2
seeds:
  - name: countries
    config: { column_types: { code: varchar } }
    columns:
      - name: name
        data_type: text
macros:
  - name: cents
    description: Cents to dollars
//- /macros/money.sql
{% macro cents(col) %}({{ col }} / 100){% endmacro %}
//- /tests/no_negative.sql
select * from {{ ref('stg_orders') }} where {{ cents('amount') }} < 0
`);
  assert.deepEqual(describeAll(f, project.diagnostics), []);
  const src = project.sources.get('raw.orders')!;
  assert.equal(src.relation, '"landing"."orders_v2"');
  assert.equal(src.location.file, 'models/staging/sources.yml');
  const seed = project.seeds.get('countries')!;
  assert.deepEqual(seed.columns, ['code', 'name, long']);
  assert.deepEqual(seed.columnTypes, { code: 'varchar', name: 'text' });
  assert.equal(seed.relation, '"main"."countries"');
  const macro = project.macros.get('cents')!;
  assert.deepEqual([macro.file, macro.params, macro.description], ['macros/money.sql', ['col'], 'Cents to dollars']);
  const singular = project.tests.get('no_negative')!;
  assert.equal(singular.file, 'tests/no_negative.sql');
  assert.deepEqual(singular.scan!.refs.map((r) => r.name), ['stg_orders']);
  assert.ok(project.tests.has('source_not_null_raw_orders_id'));
});

test('dbt_project.yml: paths, scoped vars and folder configs', async () => {
  const { project } = await load(`
//- /dbt_project.yml
name: jaffle
model-paths: [transform]
macro-paths: [lib]
vars:
  global_var: 1
  jaffle:
    scoped_var: 2
models:
  +materialized: view
  jaffle:
    staging:
      +materialized: table
      +tags: staging
      +schema: stg
    marts:
      materialized: incremental
//- /transform/staging/stg_a.sql
select {{ var('scoped_var') }} + {{ var('global_var') }} as x
//- /transform/marts/fct_b.sql
select {{ twice('x') }} from {{ ref('stg_a') }}
//- /transform/other/c.sql
select 1
//- /lib/m.sql
{% macro twice(x) %}{{ x }} * 2{% endmacro %}
`);
  assert.deepEqual(project.diagnostics, []);
  assert.equal(project.config.format, 'dbt');
  assert.equal(project.config.name, 'jaffle');
  assert.deepEqual(project.config.vars, { global_var: 1, scoped_var: 2 });
  const a = project.models.get('stg_a')!;
  // dbt's default generate_schema_name: <target schema>_<custom schema>.
  assert.deepEqual([a.config.materialized, a.config.tags, a.relation], ['table', ['staging'], '"main_stg"."stg_a"']);
  assert.equal(project.models.get('fct_b')!.config.materialized, 'incremental');
  assert.equal(project.models.get('c')!.config.materialized, 'view');
  assert.ok(project.macros.has('twice'));
});

// ---------------------------------------------------------------------------
// Bad input: each gives a diagnostic with file and range, and nothing throws.

test('dbt projects: a generate_schema_name override keeps custom schemas as written; pipeline.yml projects always do', async () => {
  const dbt = `
//- /dbt_project.yml
name: shop
models:
  shop:
    marts: { +schema: analytics }
//- /models/marts/orders.sql
select 1 as id
`;
  const plain = await load(dbt);
  assert.equal(plain.project.models.get('orders')!.relation, '"main_analytics"."orders"');
  const overridden = await load(`${dbt}//- /macros/schema.sql
{% macro generate_schema_name(custom_schema_name, node) %}{{ custom_schema_name or target.schema }}{% endmacro %}
`);
  assert.equal(overridden.project.models.get('orders')!.relation, '"analytics"."orders"');
  assert.equal(overridden.project.models.get('orders')!.config.schema, 'analytics');
});

test('invalid YAML in pipeline.yml fails the config but keeps the models', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
sources: [unclosed
//- /models/a.sql
select 1
`);
  assert.equal(project.state, 'failed');
  const yaml = project.diagnostics.filter((d) => d.code === 'yaml-syntax');
  assert.ok(yaml.length > 0);
  assert.equal(yaml[0].file, 'pipeline.yml');
  assert.ok(yaml[0].range.start >= f.files['pipeline.yml'].indexOf('['), describeAll(f, yaml).join('\n'));
  assert.match(yaml[0].message, /^YAML: /);
  assert.ok(project.models.has('a'));
});

test('invalid YAML in a schema file is reported on that file and range', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/schema.yml
models:
  - name: a
    description: "unterminated
//- /models/a.sql
select 1
`);
  assert.equal(project.state, 'loaded');
  const d = project.diagnostics.find((x) => x.code === 'yaml-syntax')!;
  assert.equal(d.file, 'models/schema.yml');
  assert.equal(d.message, 'YAML: Missing closing "quote');
  assert.ok(d.range.start > f.files['models/schema.yml'].indexOf('"'));
});

test('an unknown key in pipeline.yml is reported on the key, with did you mean', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
thread: 4
sources:
  app_logs:
    format: jsonl
    path: a/*.json
    colums: {}
`);
  assertDiagnostics(f, project.diagnostics, 'unknown-key', [
    `pipeline.yml: "thread": Unknown key 'thread'; did you mean 'threads'?`,
    `pipeline.yml: "colums": Unknown key 'colums' in 'sources.app_logs'; did you mean 'columns'?`,
  ]);
  assertDiagnostics(f, project.diagnostics, 'bad-value', [
    `pipeline.yml: "jsonl": 'jsonl' is not allowed in 'sources.app_logs.format': expected one of json, csv, parquet; did you mean 'json'?`,
  ]);
  assert.deepEqual(project.diagnostics.find((d) => d.code === 'unknown-key')!.data, { suggestion: 'threads' });
});

test('missing required keys and wrong types in pipeline.yml', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
threads: many
sources:
  app_logs:
    path: a/*.json
`);
  assert.deepEqual(describeAll(f, project.diagnostics).sort(), [
    `pipeline.yml: "app_logs": Missing required key 'format' in 'sources.app_logs'`,
    `pipeline.yml: "many": 'threads' must be integer`,
    `pipeline.yml: "threads": Missing required key 'name'`,
  ]);
});

test('an unknown ref is reported on the name, with did you mean', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/stg_orders.sql
select 1 as id
//- /models/orders.sql
select * from {{ ref('stg_ordrs') }} join {{ ref('zzzzzz') }} using (id)
`);
  assertDiagnostics(f, project.diagnostics, 'unknown-ref', [
    `models/orders.sql: "stg_ordrs": Unknown model 'stg_ordrs' in ref(); did you mean 'stg_orders'?`,
    `models/orders.sql: "zzzzzz": Unknown model 'zzzzzz' in ref()`,
  ]);
  assert.deepEqual(project.diagnostics[0].data, { suggestion: 'stg_orders' });
});

test('an unknown source or source table is reported on the right argument', async () => {
  const { f, project } = await load(`${PIPELINE}
//- /models/a.sql
select * from {{ source('bronze', 'app_log') }}
//- /models/b.sql
select * from {{ source('bronze_', 'app_logs') }}
`);
  assertDiagnostics(f, project.diagnostics, 'unknown-source', [
    `models/a.sql: "app_log": Unknown table 'app_log' in source 'bronze'; did you mean 'app_logs'?`,
    `models/b.sql: "bronze_": Unknown source 'bronze_'; did you mean 'bronze'?`,
  ]);
});

test('an undefined macro is reported on the call', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /macros/m.sql
{% macro cents(col) %}{{ col }}{% endmacro %}
//- /models/a.sql
{% macro local_one() %}1{% endmacro %}
select {{ cent('x') }}, {{ local_one() }}, {{ cents('y') }}
`);
  assertDiagnostics(f, project.diagnostics, 'undefined-macro', [`models/a.sql: "cent('x')": Undefined macro 'cent'; did you mean 'cents'?`]);
});

test('two models with the same name are reported on both files', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/silver/orders.sql
select 1
//- /models/gold/orders.sql
select 2
`);
  assertDiagnostics(f, project.diagnostics, 'duplicate-model', [
    `models/silver/orders.sql: "": Two models are named 'orders': models/gold/orders.sql and models/silver/orders.sql`,
    `models/gold/orders.sql: "": Two models are named 'orders': models/gold/orders.sql and models/silver/orders.sql`,
  ]);
  assert.equal(project.models.get('orders')!.file, 'models/gold/orders.sql');
});

test('config() with a bad materialization is reported on the value', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
models:
  +materialized: viwe
//- /models/a.sql
{{ config(materialized='tabel', incremental_strategy='upsert') }}
select 1
`);
  assertDiagnostics(f, project.diagnostics, 'bad-config', [
    `models/a.sql: "'upsert'": Unknown incremental_strategy 'upsert': expected one of merge, append, delete+insert`,
  ]);
  // An unknown materialization makes the model a skipped node, warned with "did you mean" on the value that wins.
  assertDiagnostics(f, project.diagnostics, 'unknown-materialization', [
    `models/a.sql: "'tabel'": Unknown materialization 'tabel': neither built in (${MATERIALIZATIONS.join(', ')}) nor defined by a {% materialization %} block; did you mean 'table'?`,
  ]);
  assert.equal(project.models.get('a')!.skip, "materialization 'tabel' is not supported yet");
  assert.equal(project.models.get('a')!.config.materialized, 'view');
});

test('a Jinja block error is reported on the tag; unknown vars on the name', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/a.sql
select {% if x %} 1 {% endfor %} {{ var('missing') }}
`);
  assertDiagnostics(f, project.diagnostics, 'jinja-syntax', [`models/a.sql: "{% endfor %}": '{% endfor %}' has no matching '{% for %}'`, `models/a.sql: "{% if x %}": Unclosed '{% if x %}': expected '{% endif %}'`]);
  assertDiagnostics(f, project.diagnostics, 'unknown-var', [`models/a.sql: "missing": Variable 'missing' is not defined in vars and has no default`]);
});

test('bad test definitions and schema entries for missing models', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/a.sql
select 1 as id
//- /models/schema.yml
models:
  - name: a
    columns:
      - name: id
        tests:
          - accepted_values: { quote: false }
          - relationships: { to: "ref('nope')", field: id }
          - { unique: {}, not_null: {} }
  - name: ghost
  - description: no name
`);
  assert.deepEqual(describeAll(f, project.diagnostics), [
    `models/schema.yml: "accepted_values": accepted_values needs 'values:' (a list)`,
    `models/schema.yml: "{ unique: {}, not_null: {} }": A test is a name or a map with one key (the test name)`,
    `models/schema.yml: "description: no name": Entry has no 'name'`,
    `models/schema.yml: "ghost": No model named 'ghost' for this entry`,
    `models/schema.yml: "relationships": relationships: 'ref('nope')' does not name a model, seed or source`,
  ]);
});

test('a folder without a project file loads as a failed project with a diagnostic', async () => {
  const { project } = await load(`
//- /models/a.sql
select 1
`);
  assert.equal(project.state, 'failed');
  assert.deepEqual(project.diagnostics.map((d) => [d.file, d.code]), [['pipeline.yml', 'no-project']]);
  assert.ok(project.models.has('a'));
});

test('pipeline.yml folder configs may be scoped by the project name, as in dbt_project.yml', async () => {
  const { project } = await load(`
//- /pipeline.yml
name: shop
models:
  shop:
    gold:
      +materialized: table
//- /models/gold/a.sql
select 1
`);
  assert.deepEqual(project.diagnostics, []);
  assert.equal(project.models.get('a')!.config.materialized, 'table');
});

test("an incremental model with an enforced contract is warned unless on_schema_change says 'fail' (dbt refuses it)", async () => {
  const { f, project } = await load(`${PIPELINE}
//- /models/silver/events.sql
{{ config(materialized='incremental', unique_key='event_id') }}
select * from {{ source('bronze', 'app_logs') }}
//- /models/silver/clicks.sql
{{ config(materialized='incremental', on_schema_change='fail') }}
select * from {{ source('bronze', 'app_logs') }}
//- /models/silver/schema.yml
version: 2
models:
  - name: events
    config: { contract: { enforced: true } }
  - name: clicks
    config: { contract: { enforced: true } }
`);
  assertDiagnostics(f, project.diagnostics, 'contract-on-schema-change', [
    `models/silver/events.sql: "config(materialized='incremental', unique_key='event_id')": An incremental model with an enforced contract needs on_schema_change='fail' (or 'append_new_columns'): dbt refuses it otherwise`,
  ]);
  assert.equal(project.diagnostics.find((d) => d.code === 'contract-on-schema-change')?.severity, 'warning');
});
