// selectNodes: dbt selector syntax over the DAG, results in topological order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, type Graph } from '../../../runtime/graph/dag.js';
import { selectNodes, type Selection } from '../../../runtime/graph/select.js';
import { load } from '../project/check.js';

let graph: Graph | undefined;
async function g(): Promise<Graph> {
  if (graph) return graph;
  const { project } = await load(`
//- /pipeline.yml
name: shop
sources:
  app_logs: { format: json, path: 'bronze/*.json' }
  users_raw: { format: csv, path: 'bronze/users/*.csv' }
//- /models/silver/stg_events.sql
{{ config(tags=['core']) }}
select * from {{ source('bronze', 'app_logs') }}
//- /models/silver/stg_users.sql
select * from {{ source('bronze', 'users_raw') }}
//- /models/silver/sessions.sql
{{ config(tags=['core', 'web']) }}
select * from {{ ref('stg_events') }}
//- /models/gold/dau.sql
select * from {{ ref('sessions') }} join {{ ref('stg_users') }} using (user_id)
//- /models/gold/top_pages.sql
{{ config(materialized='table') }}
select * from {{ ref('sessions') }}
//- /models/gold/schema.yml
models:
  - name: dau
    columns:
      - name: day
        tests: [unique]
`);
  graph = buildGraph(project);
  return graph;
}

async function sel(selection: Selection): Promise<string[]> {
  const r = selectNodes(await g(), selection);
  assert.deepEqual(r.diagnostics, []);
  return r.value.map((id) => id.replace(/^(model|source|test)\./, ''));
}

test('names, ancestors, descendants and depths', async () => {
  assert.deepEqual(await sel({ select: ['dau'] }), ['dau']);
  assert.deepEqual(await sel({ select: ['+dau'] }), ['bronze.app_logs', 'stg_events', 'sessions', 'bronze.users_raw', 'stg_users', 'dau']);
  assert.deepEqual(await sel({ select: ['1+dau'] }), ['sessions', 'stg_users', 'dau']);
  assert.deepEqual(await sel({ select: ['sessions+'] }), ['sessions', 'top_pages', 'dau', 'unique_dau_day']);
  assert.deepEqual(await sel({ select: ['stg_events+1'] }), ['stg_events', 'sessions']);
  assert.deepEqual(await sel({ select: ['@stg_users'] }), ['bronze.app_logs', 'stg_events', 'sessions', 'bronze.users_raw', 'stg_users', 'dau', 'unique_dau_day']);
});

test('methods: tag, path, layer, source, resource_type, config.materialized and wildcards', async () => {
  assert.deepEqual(await sel({ select: ['tag:core'] }), ['stg_events', 'sessions']);
  assert.deepEqual(await sel({ select: ['path:models/gold'] }), ['top_pages', 'dau', 'unique_dau_day']);
  assert.deepEqual(await sel({ select: ['models/silver/sessions.sql'] }), ['sessions']);
  assert.deepEqual(await sel({ select: ['layer:silver'] }), ['stg_events', 'sessions', 'stg_users']);
  assert.deepEqual(await sel({ select: ['source:bronze.users_raw+'] }), ['bronze.users_raw', 'stg_users', 'dau', 'unique_dau_day']);
  assert.deepEqual(await sel({ select: ['source:bronze'] }), ['bronze.app_logs', 'bronze.users_raw']);
  assert.deepEqual(await sel({ select: ['stg_*'] }), ['stg_events', 'stg_users']);
  assert.deepEqual(await sel({ select: ['resource_type:test'] }), ['unique_dau_day']);
  assert.deepEqual(await sel({ select: ['config.materialized:table'] }), ['top_pages']);
});

test('space is union, comma is intersection, exclude removes', async () => {
  assert.deepEqual(await sel({ select: ['dau top_pages'] }), ['top_pages', 'dau']);
  assert.deepEqual(await sel({ select: ['dau', 'stg_users'] }), ['stg_users', 'dau']);
  assert.deepEqual(await sel({ select: ['tag:core,tag:web'] }), ['sessions']);
  assert.deepEqual(await sel({ select: ['+dau,layer:silver'] }), ['stg_events', 'sessions', 'stg_users']);
  assert.deepEqual(await sel({ select: ['+dau'], exclude: ['source:*', 'tag:core'] }), ['stg_users', 'dau']);
  assert.deepEqual(await sel({ exclude: ['layer:gold', 'layer:silver', 'source:*'] }), ['unique_dau_day']);
});

test('indirect selection adds the tests of selected nodes', async () => {
  assert.deepEqual(await sel({ select: ['dau'], indirectTests: 'eager' }), ['dau', 'unique_dau_day']);
  assert.deepEqual(await sel({ select: ['top_pages'], indirectTests: 'cautious' }), ['top_pages']);
});

test('an unknown method is an error; a selector matching nothing is a warning with did you mean', async () => {
  const r = selectNodes(await g(), { select: ['tags:core', 'daus'] });
  assert.deepEqual(r.value, []);
  assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.message, d.data]), [
    ['error', 'unknown-selector', "Unknown selector method 'tags' in 'tags:core'; did you mean 'tag'?", { suggestion: 'tag' }],
    ['warning', 'select-nothing', "No node matches 'daus'; did you mean 'dau'?", { suggestion: 'dau' }],
  ]);
});

test('odd selector strings never throw', async () => {
  const graph = await g();
  for (const s of ['', ' ', ',', '+', '++', '@', '1+', '+1', ':', 'tag:', 'path:', '[', 'a[', '@+x+', '3+@y', 'source:.', 'x,,y', '*']) {
    const r = selectNodes(graph, { select: [s], exclude: [s] });
    assert.ok(Array.isArray(r.value), s);
  }
});
