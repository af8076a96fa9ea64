// The lineage graph the lineage view draws (lineageGraph.ts): which nodes a focus and a depth keep,
// the model edges between kept nodes, each node's description, and the column edges among them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLineageGraph } from '../../support/checkLineage.js';
import { SHOP, withFile } from './support.js';

/** SHOP plus a seed, a model reading the seed, and a gold model reading revenue: a longer chain. */
const CHAIN = withFile(
  withFile(`${SHOP}//- /seeds/tiers.csv\nuser_id,tier\n1,gold\n`, 'models/silver/tiered.sql', "select user_id, tier from {{ ref('tiers') }}"),
  'models/gold/top.sql',
  "select r.user_id, r.revenue, t.tier from {{ ref('revenue') }} r join {{ ref('tiered') }} t using (user_id) where r.revenue > 100",
);

const RUN_RESULTS = `//- /target/run_results.json
{"runId":"r1","command":"run","startedAt":"2026-11-20T10:00:00.000Z","elapsedMs":900,"success":true,
 "results":[{"id":"model.events","kind":"model","name":"events","status":"success","rows":1234,"ms":40}],"errors":[]}
`;

test('the whole project: every node with its columns and last run, every edge, column edges back to bronze', async () => {
  const data = await checkLineageGraph(SHOP + RUN_RESULTS, `
    focus (whole project)
    source bronze.app_logs (source.bronze.app_logs) bronze pipeline.yml [event_id varchar, user_id integer, amount double, ts timestamptz]
        Raw app events
    model revenue (model.revenue) gold · view models/gold/revenue.sql [user_id INTEGER, revenue DOUBLE]
        Revenue per user
    model events (model.events) silver · table models/silver/events.sql [event_id VARCHAR, user_id INTEGER, amount DOUBLE, ts TIMESTAMP WITH TIME ZONE] · last run success 1234 rows at 2026-11-20T10:00:00.000Z
        Typed, deduplicated events
    model.events → model.revenue
    source.bronze.app_logs → model.events
    model.events.user_id → model.revenue.user_id
    model.events.amount → model.revenue.revenue
    source.bronze.app_logs.event_id → model.events.event_id
    source.bronze.app_logs.user_id → model.events.user_id
    source.bronze.app_logs.amount → model.events.amount
    source.bronze.app_logs.ts → model.events.ts
  `);
  assert.equal(data.focus, undefined, 'no focus when none was asked');
  // On a cold workspace too, a model's columns come from the bindings its column edges come from.
  const columns = new Map(data.nodes.map((n) => [n.id, new Set(n.columns.map((c) => c.name))]));
  for (const e of data.columnEdges) assert.ok(columns.get(e.from.node)?.has(e.from.column) && columns.get(e.to.node)?.has(e.to.column), `${e.from.node}.${e.from.column} → ${e.to.node}.${e.to.column}`);
});

test('a focus keeps its ancestors and descendants; depth bounds both directions', async () => {
  await checkLineageGraph(CHAIN, `
    focus model.revenue
    model revenue (model.revenue) gold · view models/gold/revenue.sql [user_id integer, revenue double]
        Revenue per user
    model events (model.events) silver · table models/silver/events.sql []
        Typed, deduplicated events
    source bronze.app_logs (source.bronze.app_logs) bronze pipeline.yml [event_id varchar, user_id integer, amount double, ts timestamptz]
        Raw app events
    model top (model.top) gold · view models/gold/top.sql []
    model.events → model.revenue
    source.bronze.app_logs → model.events
    model.revenue → model.top
  `, { focus: 'model.revenue', columns: false });
  await checkLineageGraph(CHAIN, `
    focus model.revenue
    model revenue (model.revenue) gold · view models/gold/revenue.sql [user_id integer, revenue double]
        Revenue per user
    model events (model.events) silver · table models/silver/events.sql []
        Typed, deduplicated events
    model top (model.top) gold · view models/gold/top.sql []
    model.events → model.revenue
    model.revenue → model.top
  `, { focus: 'model.revenue', depth: 1, columns: false });
});

test('column edges only between kept nodes: a cut-off input is not drawn', async () => {
  const data = await checkLineageGraph(CHAIN, `
    focus model.top
    model top (model.top) gold · view models/gold/top.sql [user_id INTEGER, revenue DOUBLE, tier VARCHAR]
    model revenue (model.revenue) gold · view models/gold/revenue.sql [user_id INTEGER, revenue DOUBLE]
        Revenue per user
    model tiered (model.tiered) silver · view models/silver/tiered.sql [user_id INTEGER, tier VARCHAR]
    model.revenue → model.top
    model.tiered → model.top
    model.revenue.user_id → model.top.user_id
    model.revenue.revenue → model.top.revenue
    model.tiered.tier → model.top.tier
  `, { focus: 'model.top', depth: 1 });
  const kept = new Set(data.nodes.map((n) => n.id));
  assert.ok(data.columnEdges.every((e) => kept.has(e.from.node) && kept.has(e.to.node)));
});

test('without column edges nothing is bound: columns come from contracts and declarations only', async () => {
  await checkLineageGraph(SHOP, `
    focus (whole project)
    source bronze.app_logs (source.bronze.app_logs) bronze pipeline.yml [event_id varchar, user_id integer, amount double, ts timestamptz]
        Raw app events
    model revenue (model.revenue) gold · view models/gold/revenue.sql [user_id integer, revenue double]
        Revenue per user
    model events (model.events) silver · table models/silver/events.sql []
        Typed, deduplicated events
    model.events → model.revenue
    source.bronze.app_logs → model.events
  `, { columns: false });
});

test('a seed is a node of its own kind, named by its file', async () => {
  await checkLineageGraph(CHAIN, `
    focus model.tiered
    model tiered (model.tiered) silver · view models/silver/tiered.sql []
    seed tiers (seed.tiers) seeds/tiers.csv [user_id INTEGER, tier VARCHAR]
    model top (model.top) gold · view models/gold/top.sql []
    seed.tiers → model.tiered
    model.tiered → model.top
  `, { focus: 'model.tiered', columns: false });
});

test('a focus that names nothing gives an empty graph', async () => {
  await checkLineageGraph(SHOP, `focus model.nowhere`, { focus: 'model.nowhere' });
});
