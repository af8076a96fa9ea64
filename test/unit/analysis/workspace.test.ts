// The workspace index: incremental updates, open buffers over the disk, broken input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CachedSummaries } from '../../../server/src/analysis/workspace.js';
import { checkDiagnostics, open } from '../../support/check.js';
import { SHOP } from './support.js';
import { fixture } from '../../support/fixture.js';
import { loadProject } from '../../../runtime/project/load.js';

test('editing a model relinks only that model, into a new snapshot; the old snapshot stays as it was', async () => {
  const opened = await open(SHOP);
  const { ws } = opened;
  const before = ws.snapshot();
  const other = before.model('events');
  const oldText = before.model('revenue')!.text;
  ws.setText('models/gold/revenue.sql', "select e.user_id, sum(e.amount) * 2 as revenue from {{ ref('events') }} e group by 1");
  const edited = ws.snapshot();
  assert.notEqual(edited, before, 'a change makes a new snapshot');
  assert.equal(edited.model('events'), other, 'no relink of the other models for a body edit');
  assert.match(edited.model('revenue')!.text, /\* 2/);
  assert.equal(before.model('revenue')!.text, oldText, 'the old snapshot keeps its text');
  ws.setText('models/gold/revenue.sql', "select * from {{ source('bronze', 'app_logs') }} join {{ ref('evnts') }}");
  const called = ws.snapshot();
  assert.equal(called.model('events'), other, 'no relink of the other models for new calls either');
  assert.deepEqual([...called.graph.parents.get('model.revenue')!], ['source.bronze.app_logs']);
  assert.equal(called.graph.children.get('model.events')!.has('model.revenue'), false);
  assert.deepEqual([...before.graph.parents.get('model.revenue')!], ['model.events'], 'the old snapshot keeps its edges');
  assert.equal(before.graph.children.get('model.events')!.has('model.revenue'), true);
  await checkDiagnostics(opened, `models/gold/revenue.sql: "evnts": Unknown model 'evnts' in ref(); did you mean 'events'? [error unknown-ref]`);
});

test('an edit that closes a cycle or changes config() relinks the whole project', async () => {
  const { ws } = await open(SHOP);
  const before = ws.snapshot();
  ws.setText('models/silver/events.sql', "select * from {{ ref('revenue') }}");
  const cyclic = ws.snapshot();
  assert.notEqual(cyclic, before);
  assert.equal(cyclic.graph.cycles.length, 1);
  ws.setText('models/silver/events.sql', "{{ config(materialized='view') }}\nselect 1 as x");
  assert.notEqual(ws.snapshot(), cyclic);
  assert.equal(ws.snapshot().model('events')!.config.materialized, 'view');
});

test('ref ranges follow a patched body (references use the new offsets)', async () => {
  const { ws } = await open(SHOP);
  ws.setText('models/gold/revenue.sql', "-- moved\nselect e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e group by 1");
  const text = ws.snapshot().text('models/gold/revenue.sql')!;
  const [site] = ws.snapshot().refsTo('events');
  assert.equal(text.slice(site.range.start, site.range.end), 'events');
});

test('new files and deleted files on disk are picked up; open buffers win over the disk', async () => {
  const { ws, f } = await open(SHOP);
  f.fs.write('/project/models/gold/new_model.sql', "select * from {{ ref('revenue') }}");
  await ws.reload('models/gold/new_model.sql');
  assert.ok(ws.snapshot().model('new_model'));
  ws.setText('models/gold/new_model.sql', "select 1 as x");
  await ws.reload('models/gold/new_model.sql');
  assert.equal(ws.snapshot().text('models/gold/new_model.sql'), 'select 1 as x');
  f.fs.delete('/project/models/gold/new_model.sql');
  await ws.revert('models/gold/new_model.sql');
  assert.equal(ws.snapshot().model('new_model'), undefined);
});

test('a Jinja error in one model is its own diagnostic; the other models still link', async () => {
  const opened = await open(SHOP);
  opened.ws.setText('models/gold/revenue.sql', "select {{ ref('events' }} ");
  const list = await checkDiagnostics(opened, `models/gold/revenue.sql: "{{": Unclosed '{{': expected '}}' [error jinja-syntax]`, { files: ['models/gold/revenue.sql'] });
  assert.ok(list.length > 0);
  assert.ok(opened.ws.snapshot().model('events'));
});

test('no project file: the workspace still opens and reports it', async () => {
  const { ws } = await open("//- /models/a.sql\nselect 1\n");
  assert.equal(ws.snapshot().project.state, 'failed');
  assert.ok(ws.snapshot().model('a'));
});

test('deferred schema files: models first, descriptions and contracts after completeIndex', async () => {
  const { fixture } = await import('../../support/fixture.js');
  const { Workspace } = await import('../../../server/src/analysis/workspace.js');
  const f = fixture(SHOP);
  const ws = await Workspace.open(f.fs, f.root, { deferSchemas: true });
  assert.equal(ws.indexing, true);
  assert.ok(ws.snapshot().model('revenue'));
  assert.equal(ws.snapshot().model('revenue')!.spec, undefined);
  ws.setText('models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    description: edited\n');
  await ws.completeIndex();
  assert.equal(ws.indexing, false);
  assert.equal(ws.snapshot().model('revenue')!.config.contractEnforced, true);
  assert.equal(ws.snapshot().model('events')!.description, 'edited', 'an edit made meanwhile is kept');
});

test('the summary cache: unchanged schema files come from it, changed ones are parsed again', async () => {
  const { fixture } = await import('../../support/fixture.js');
  const { Workspace } = await import('../../../server/src/analysis/workspace.js');
  let stored: CachedSummaries | undefined;
  const cache = {
    load: async () => stored,
    save: async (entries: CachedSummaries) => {
      stored = entries;
    },
  };
  const f = fixture(SHOP);
  await Workspace.open(f.fs, f.root, { cache });
  assert.deepEqual([...stored!.keys()].sort(), ['models/gold/schema.yml', 'models/silver/schema.yml']);
  const gold = stored!.get('models/gold/schema.yml')!.result;
  f.fs.write('/project/models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    description: changed\n');
  const ws = await Workspace.open(f.fs, f.root, { cache });
  assert.equal(ws.snapshot().model('events')!.description, 'changed');
  assert.equal(ws.snapshot().model('revenue')!.spec, (gold.value as { models: unknown[] }).models[0], 'reused, not parsed');
  assert.equal(stored!.get('models/gold/schema.yml')!.result, gold);
});

test("a dbt project's profiles.yml duckdb target sets the warehouse, and keeps it when dbt_project.yml is edited", async () => {
  const { ws } = await open(`
//- /dbt_project.yml
name: shop
profile: shop
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: dev.duckdb, threads: 3 }
//- /models/orders.sql
select 1 as id
`);
  assert.equal(ws.snapshot().project.config.warehouse, 'dev.duckdb');
  assert.equal(ws.snapshot().project.config.threads, 3);
  ws.setText('dbt_project.yml', 'name: shop\nprofile: shop\nvars: { x: 1 }\n');
  assert.equal(ws.snapshot().project.config.warehouse, 'dev.duckdb');
});

test('a folder with neither pipeline.yml nor dbt_project.yml gets the same error in the editor as from the CLI', async () => {
  const text = `
//- /models/a.sql
select 1 as x
`;
  await checkDiagnostics(text, `pipeline.yml: 0-0: No pipeline.yml or dbt_project.yml in /project [error no-project]`);
  const project = await loadProject(fixture(text).fs, '/project');
  assert.deepEqual(project.diagnostics.map((d) => d.message), ['No pipeline.yml or dbt_project.yml in /project']);
});
