// Hover, definition, references, rename, symbols and code lenses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../../server/src/analysis/hover.js';
import { definition, references } from '../../../server/src/analysis/navigation.js';
import { prepareRename, rename } from '../../../server/src/analysis/rename.js';
import { documentSymbols, workspaceSymbols } from '../../../server/src/analysis/symbols.js';
import { codeLenses } from '../../../server/src/analysis/lenses.js';
import { rangeOf } from '../../support/fixture.js';
import { open, SHOP, withFile } from './support.js';

const RUN_RESULTS = `//- /target/run_results.json
{"runId":"r1","command":"run","startedAt":"2026-11-20T10:00:00.000Z","elapsedMs":900,"success":true,
 "results":[{"id":"model.events","kind":"model","name":"events","status":"success","rows":1234,"ms":40}],"errors":[]}
`;

test('hover on a ref: description, layer, materialization, columns, lineage and last run', async () => {
  const { ws, file, offset } = await open(withFile(SHOP, 'models/gold/revenue.sql', "select * from {{ ref('eve$0nts') }} e") + RUN_RESULTS);
  await ws.binder.bindFiles(['models/silver/events.sql']);
  const h = await hover(ws, file, offset);
  assert.ok(h);
  assert.match(h.markdown, /^\*\*events\*\* — model · silver · table/);
  assert.match(h.markdown, /Typed, deduplicated events/);
  assert.match(h.markdown, /\| amount \| DOUBLE \|/);
  assert.match(h.markdown, /\*\*Upstream:\*\* `bronze.app_logs`/);
  assert.match(h.markdown, /\*\*Downstream:\*\* `revenue`/);
  assert.match(h.markdown, /\*\*Last run:\*\* success · 1,234 rows · 2026-11-20T10:00:00.000Z/);
});

test('hover on a source shows its raw contract', async () => {
  const { ws, file, offset } = await open(withFile(SHOP, 'models/silver/events.sql', "select * from {{ source('bronze', 'app_$0logs') }}"));
  const h = await hover(ws, file, offset);
  assert.match(h?.markdown ?? '', /\*\*bronze.app_logs\*\* — source · json/);
  assert.match(h?.markdown ?? '', /\| ts \| timestamptz \|/);
});

test('hover on a pipeline.yml key shows its JSON Schema description', async () => {
  const { ws, file, offset } = await open(SHOP.replace('    format: json', '    for$0mat: json'));
  const h = await hover(ws, file, offset);
  assert.match(h?.markdown ?? '', /^\*\*format\*\* — How the files are read/);
});

test('hover on a column in a select list: its lineage back to bronze', async () => {
  const { ws, file, offset } = await open(withFile(SHOP, 'models/gold/revenue.sql', "select e.user_id, sum(e.amount) as reve$0nue from {{ ref('events') }} e group by 1"));
  await ws.binder.bindFiles([file]);
  const h = await hover(ws, file, offset);
  assert.ok(h);
  assert.match(h.markdown, /^\*\*revenue\*\* — DOUBLE/);
  assert.match(h.markdown, /`events.amount` ← `bronze.app_logs.amount`/);
});

test('definition: ref → model file, source → its YAML, macro call → the macro', async () => {
  const { ws, f } = await open(withFile(SHOP, 'models/gold/x.sql', "select {{ cents('a') }} from {{ ref('events') }} join {{ source('bronze', 'app_logs') }}"));
  const text = f.files['models/gold/x.sql'];
  assert.deepEqual(definition(ws, 'models/gold/x.sql', text.indexOf('events')), [{ file: 'models/silver/events.sql', range: { start: 0, end: 0 } }]);
  const [src] = definition(ws, 'models/gold/x.sql', text.indexOf('app_logs'));
  assert.equal(src.file, 'pipeline.yml');
  assert.equal(f.files['pipeline.yml'].slice(src.range.start, src.range.end), 'app_logs');
  const [macro] = definition(ws, 'models/gold/x.sql', text.indexOf('cents'));
  assert.deepEqual(macro, { file: 'macros/cents.sql', range: rangeOf(f, 'macros/cents.sql', 'cents') });
});

test('definition: a generic test named in schema YAML → its {% test %} block', async () => {
  const yaml = 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests: [not_null, is_positive]\n';
  const own = withFile(SHOP, 'macros/tests.sql', '{% test is_positive(model, column_name) %}\nselect 1\n{% endtest %}');
  const { ws, f } = await open(withFile(own, 'models/silver/schema.yml', yaml));
  assert.deepEqual(definition(ws, 'models/silver/schema.yml', yaml.indexOf('is_positive') + 2), [{ file: 'macros/tests.sql', range: rangeOf(f, 'macros/tests.sql', 'is_positive') }]);
  assert.deepEqual(definition(ws, 'models/silver/schema.yml', yaml.indexOf('not_null') + 2), []);
});

test('references: every ref to a model, from a ref or from the model file itself', async () => {
  const { ws, f } = await open(withFile(SHOP, 'models/gold/other.sql', "select * from {{ ref('events') }}"));
  const refs = references(ws, 'models/silver/events.sql', 0, false).map((r) => r.file).sort();
  assert.deepEqual(refs, ['models/gold/other.sql', 'models/gold/revenue.sql']);
  const withDecl = references(ws, 'models/gold/other.sql', f.files['models/gold/other.sql'].indexOf('events'), true);
  assert.ok(withDecl.some((r) => r.file === 'models/silver/schema.yml'));
});

test('rename a model: every ref, the YAML entry and the file', async () => {
  const { ws, f } = await open(SHOP);
  const at = f.files['models/gold/revenue.sql'].indexOf('events');
  assert.deepEqual(prepareRename(ws, 'models/gold/revenue.sql', at), { name: 'events', range: rangeOf(f, 'models/gold/revenue.sql', 'events') });
  const r = rename(ws, 'models/gold/revenue.sql', at, 'clean_events');
  assert.ok(r);
  assert.deepEqual(r.edits.map((e) => `${e.file}:${f.files[e.file].slice(e.range.start, e.range.end)}→${e.newText}`).sort(), [
    'models/gold/revenue.sql:events→clean_events',
    'models/silver/schema.yml:events→clean_events',
  ]);
  assert.deepEqual(r.moves, [{ from: 'models/silver/events.sql', to: 'models/silver/clean_events.sql' }]);
  assert.equal(rename(ws, 'models/gold/revenue.sql', at, 'revenue'), undefined, 'taken names are refused');
  assert.equal(rename(ws, 'models/gold/revenue.sql', at, 'bad name'), undefined, 'invalid names are refused');
});

test('symbols: a model with its CTEs, schema YAML models with columns, workspace search', async () => {
  const { ws } = await open(withFile(SHOP, 'models/gold/x.sql', "with a as (select 1), b as (select 2) select * from a, b"));
  const [model] = documentSymbols(ws, 'models/gold/x.sql');
  assert.equal(model.name, 'x');
  assert.deepEqual(model.children?.map((c) => c.name), ['a', 'b']);
  const yaml = documentSymbols(ws, 'models/gold/schema.yml');
  assert.deepEqual(yaml.map((s) => [s.name, s.children?.map((c) => c.name)]), [['revenue', ['user_id', 'revenue']]]);
  assert.deepEqual(workspaceSymbols(ws, 'rev').map((s) => s.name), ['revenue']);
  assert.ok(workspaceSymbols(ws, 'applogs').some((s) => s.name === 'bronze.app_logs'));
});

test('code lenses: Run, Preview, Lineage on model files only', async () => {
  const { ws } = await open(SHOP);
  assert.deepEqual(codeLenses(ws, 'models/gold/revenue.sql').map((l) => `${l.action}:${l.model}`), ['run:revenue', 'preview:revenue', 'lineage:revenue']);
  assert.deepEqual(codeLenses(ws, 'macros/cents.sql'), []);
});
