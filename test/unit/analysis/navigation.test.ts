// Hover, definition, references, rename, symbols and code lenses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDefinition, checkHover, checkReferences, checkRename } from '../../support/check.js';
import { checkDocumentSymbols, checkLenses, checkWorkspaceSymbols } from '../../support/checkOutline.js';
import { SHOP, withFile } from './support.js';

const RUN_RESULTS = `//- /target/run_results.json
{"runId":"r1","command":"run","startedAt":"2026-11-20T10:00:00.000Z","elapsedMs":900,"success":true,
 "results":[{"id":"model.events","kind":"model","name":"events","status":"success","rows":1234,"ms":40}],"errors":[]}
`;

test('hover on a ref: description, layer, materialization, columns, lineage and last run', async () => {
  await checkHover(withFile(SHOP, 'models/gold/revenue.sql', "select * from {{ ref('eve$0nts') }} e") + RUN_RESULTS, `
    hover "events"
    **events** — model · silver · table

    Typed, deduplicated events

    | column | type | |
    |---|---|---|
    | event_id | VARCHAR |  |
    | user_id | INTEGER |  |
    | amount | DOUBLE |  |
    | ts | TIMESTAMP WITH TIME ZONE |  |

    **Upstream:** \`bronze.app_logs\`
    **Downstream:** \`revenue\`
    **Last run:** success · 1,234 rows · 2026-11-20T10:00:00.000Z
  `, { bind: ['models/silver/events.sql'] });
});

test('hover on a source shows its raw contract', async () => {
  await checkHover(withFile(SHOP, 'models/silver/events.sql', "select * from {{ source('bronze', 'app_$0logs') }}"), `
    hover "bronze', 'app_logs"
    **bronze.app_logs** — source · json · \`bronze/app_logs/*.json\`

    Raw app events

    | column | type | |
    |---|---|---|
    | event_id | varchar |  |
    | user_id | integer |  |
    | amount | double |  |
    | ts | timestamptz |  |

    **Downstream:** \`events\`
  `);
});

test('hover on a pipeline.yml key shows its JSON Schema description', async () => {
  await checkHover(SHOP.replace('    format: json', '    for$0mat: json'), `
    hover "format"
    **format** — How the files are read: newline-delimited JSON, CSV or Parquet.
  `);
});

test('hover on a column in a select list: its lineage back to bronze', async () => {
  const sql = "select e.user_id, sum(e.amount) as reve$0nue from {{ ref('events') }} e group by 1";
  await checkHover(withFile(SHOP, 'models/gold/revenue.sql', sql), `
    hover "revenue"
    **revenue** — DOUBLE

    **Lineage:**
    - \`revenue.revenue\` ← \`events.amount\` ← \`bronze.app_logs.amount\`
  `, { bind: ['models/gold/revenue.sql'] });
});

test('definition: ref → model file, source → its YAML, macro call → the macro', async () => {
  const model = (sql: string): string => withFile(SHOP, 'models/gold/x.sql', sql);
  await checkDefinition(model("select {{ cents('a') }} from {{ ref('$0events') }} join {{ source('bronze', 'app_logs') }}"), `models/silver/events.sql:1:1`);
  await checkDefinition(model("select {{ cents('a') }} from {{ ref('events') }} join {{ source('bronze', '$0app_logs') }}"), `pipeline.yml: "app_logs"`);
  await checkDefinition(model("select {{ $0cents('a') }} from {{ ref('events') }} join {{ source('bronze', 'app_logs') }}"), `macros/cents.sql: "cents"`);
});

test('definition: a generic test named in schema YAML → its {% test %} block', async () => {
  const own = withFile(SHOP, 'macros/tests.sql', '{% test is_positive(model, column_name) %}\nselect 1\n{% endtest %}');
  const yaml = (tests: string): string => withFile(own, 'models/silver/schema.yml', `version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests: ${tests}\n`);
  await checkDefinition(yaml('[not_null, is$0_positive]'), `macros/tests.sql: "is_positive"`);
  await checkDefinition(yaml('[no$0t_null, is_positive]'), `no definition`);
});

test('references: every ref to a model, from a ref or from the model file itself', async () => {
  const other = withFile(SHOP, 'models/gold/other.sql', "select * from {{ ref('events') }}");
  await checkReferences(other.replace("{{ config(materialized='table') }}", "$0{{ config(materialized='table') }}"), `
    models/gold/other.sql: "events"
    models/gold/revenue.sql: "events"
  `);
  await checkReferences(withFile(SHOP, 'models/gold/other.sql', "select * from {{ ref('$0events') }}"), `
    models/gold/other.sql: "events"
    models/gold/revenue.sql: "events"
    models/silver/schema.yml: "events"
  `, { declaration: true });
});

test('rename a model: every ref, the YAML entry and the file', async () => {
  const at = withFile(SHOP, 'models/gold/revenue.sql', "select e.user_id, sum(e.amount) as revenue from {{ ref('$0events') }} e group by 1");
  await checkRename(at, 'clean_events', `
    rename events at models/gold/revenue.sql: "events"
    models/gold/revenue.sql: "events" → clean_events
    models/silver/schema.yml: "events" → clean_events
    move models/silver/events.sql → models/silver/clean_events.sql
  `);
  assert.equal(await checkRename(at, 'revenue', `
    rename events at models/gold/revenue.sql: "events"
    refused
  `), undefined, 'taken names are refused');
  assert.equal(await checkRename(at, 'bad name', `
    rename events at models/gold/revenue.sql: "events"
    refused
  `), undefined, 'invalid names are refused');
});

test('symbols: a model with its CTEs, schema YAML models with columns, workspace search', async () => {
  const opened = withFile(SHOP, 'models/gold/x.sql', 'with a as (select 1), b as (select 2) select * from a, b');
  await checkDocumentSymbols(opened, 'models/gold/x.sql', `
    model x  gold · view
      cte a
      cte b
  `);
  await checkDocumentSymbols(opened, 'models/gold/schema.yml', `
    model revenue
      column user_id  integer
      column revenue  double
  `);
  await checkWorkspaceSymbols(opened, 'rev', `model revenue  models/gold/revenue.sql`);
  await checkWorkspaceSymbols(opened, 'applogs', `source bronze.app_logs  pipeline.yml`);
});

test('code lenses: Run, Preview, Lineage on model files only', async () => {
  await checkLenses(SHOP, 'models/gold/revenue.sql', `
    run revenue (run) at 0-0
    preview revenue (run) at 0-0
    lineage revenue (run) at 0-0
  `);
  await checkLenses(SHOP, 'macros/cents.sql', `no lenses`);
});
