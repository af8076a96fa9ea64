// What the run results view is sent for every kind of node: a build's snapshot, unit test and on-run-end
// hook arrive with their status and timing like models and seeds, and `freshness` runs dbt's source
// freshness as a run whose checks are kind 'freshness', kept in run_results.json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from './client.js';
import type { RunProgress, RunResponse } from '../../server/src/lsp/protocol.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
profile: shop
on-run-end: ["create table if not exists main.audit as select 1 as x"]
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: warehouse.duckdb }
//- /seeds/raw_orders.csv
id,amount,loaded_at
1,2.5,2026-01-01 00:00:00
//- /models/orders.sql
select id, amount * 2 as doubled from {{ ref('raw_orders') }}
//- /models/schema.yml
version: 2
sources:
  - name: landing
    schema: main
    freshness: {warn_after: {count: 1, period: day}}
    loaded_at_field: loaded_at
    tables:
      - name: raw_orders
unit_tests:
  - name: doubles
    model: orders
    given:
      - input: ref('raw_orders')
        rows: [{id: 1, amount: 2}]
    expect:
      rows: [{id: 1, doubled: 4}]
//- /snapshots/orders_snap.sql
{% snapshot orders_snap %}
{{ config(strategy='check', unique_key='id', check_cols='all') }}
select * from {{ ref('orders') }}
{% endsnapshot %}
`;

describe('run results of every kind of node', () => {
  let c: Client;
  before(async () => {
    c = await Client.start(PROJECT);
  });
  after(async () => c.stop());

  test('a build reports its snapshot, unit test and on-run-end hook with status and time', async () => {
    const build = await c.request<RunResponse>('medallion/run', { command: 'build' });
    assert.equal(build.status, 'success', JSON.stringify(build));
    const by = Object.fromEntries(build.nodes.map((n) => [n.id, n]));
    for (const id of ['seed.raw_orders', 'unit_test.orders.doubles', 'model.orders', 'snapshot.orders_snap', 'operation.shop-on-run-end-0']) {
      assert.equal(by[id]?.status, 'success', `${id}: ${JSON.stringify(by[id])}`);
      assert.equal(typeof by[id].elapsedMs, 'number');
    }
  });

  test('freshness checks run as a run: kind freshness, one event each, kept in run_results.json', async () => {
    const before = c.notifications.length;
    const run = await c.request<RunResponse>('medallion/run', { command: 'freshness' });
    assert.equal(run.status, 'success', JSON.stringify(run));
    assert.deepEqual(run.nodes.map((n) => [n.id, n.kind, n.status]), [['source.landing.raw_orders', 'freshness', 'warn']]);
    assert.match(run.nodes[0].message ?? '', /^newest row \d+d \d+h ago \(warn after 1 day\)$/);
    const events = c.notifications.slice(before).filter((n) => n.method === 'medallion/runEvent').map((n) => n.params as RunProgress);
    assert.deepEqual(events.map((e) => [e.kind, e.id, e.result?.kind, e.done, e.total]), [['finish', 'source.landing.raw_orders', 'freshness', 1, 1]]);
    const results = JSON.parse(readFileSync(path.join(c.root, 'target/run_results.json'), 'utf8'));
    assert.equal(results.args.which, 'freshness');
    assert.deepEqual(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]), [['source.shop.landing.raw_orders', 'warn']]);
    const none = await c.request<RunResponse>('medallion/run', { command: 'freshness', select: ['orders'] });
    assert.match(none.error ?? '', /No selected source has a freshness threshold/);
  });
});
