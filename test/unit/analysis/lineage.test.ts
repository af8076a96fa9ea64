// Column lineage, hover and completion through `*`, DuckDB's `* exclude`/`* replace`/`columns(...)`,
// CTEs and ephemeral models (issue 12, item 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnLineage, directInputs } from '../../../server/src/analysis/lineage.js';
import { complete } from '../../../server/src/analysis/completion.js';
import { hover } from '../../../server/src/analysis/hover.js';
import { open, SHOP, withFile } from './support.js';

const STARS = withFile(
  withFile(SHOP, 'models/silver/paid.sql', "{{ config(materialized='ephemeral') }}\nselect event_id, user_id, amount * 100 as cents from {{ ref('events') }} where amount > 0"),
  'models/gold/stars.sql',
  [
    'with base as (select * exclude (ts) from {{ ref(\'events\') }}),',
    'renamed as (select * replace (amount * user_id as amount) from base)',
    "select r.*, p.cents, columns('^user') from renamed r join {{ ref('paid') }} p using (event_id)",
  ].join('\n'),
);

async function inputs(id: string, column: string): Promise<string[]> {
  const { ws } = await open(STARS);
  await ws.binder.bindFiles(['models/gold/stars.sql']);
  return (await directInputs(ws, id, column)).map((r) => `${r.node}.${r.column}`);
}

test('lineage through * exclude and a CTE: the column comes from the upstream model', async () => {
  assert.deepEqual(await inputs('model.stars', 'event_id'), ['model.events.event_id']);
});

test('lineage through * replace: the replacing expression\'s inputs', async () => {
  assert.deepEqual(await inputs('model.stars', 'amount'), ['model.events.amount', 'model.events.user_id']);
});

test('an excluded column is not passed through the star', async () => {
  assert.deepEqual(await inputs('model.stars', 'ts'), []);
});

test('lineage through an ephemeral model: the ephemeral model, then its own inputs', async () => {
  const { ws } = await open(STARS);
  await ws.binder.bindFiles(['models/gold/stars.sql']);
  const edges = (await columnLineage(ws, 'model.stars', 'cents')).map((e) => `${e.from.node}.${e.from.column} → ${e.to.node}.${e.to.column}`);
  assert.deepEqual(edges, ['model.paid.cents → model.stars.cents', 'model.events.amount → model.paid.cents', 'source.bronze.app_logs.amount → model.events.amount']);
});

test('columns(regex) passes through the columns it matches', async () => {
  assert.deepEqual(await inputs('model.stars', 'user_id'), ['model.events.user_id']);
});

test('hover and completion show the columns of a star query and of an ephemeral model', async () => {
  const { ws } = await open(withFile(STARS, 'models/gold/uses.sql', "select s.$0 from {{ ref('stars') }} s join {{ ref('paid') }} p using (event_id)"));
  await ws.binder.bindFiles(['models/gold/uses.sql']);
  const items = complete(ws, 'models/gold/uses.sql', 'select s.'.length).items.map((c) => `${c.label}:${c.detail}`);
  assert.deepEqual(items.slice(0, 4), ['event_id:VARCHAR', 'user_id:INTEGER', 'amount:DOUBLE', 'cents:DOUBLE']);
  assert.deepEqual(ws.columns('model.paid').map((c) => `${c.name}:${c.type}`), ['event_id:VARCHAR', 'user_id:INTEGER', 'cents:DOUBLE']);
  const text = ws.text('models/gold/uses.sql')!;
  const h = await hover(ws, 'models/gold/uses.sql', text.indexOf("'paid'") + 2);
  assert.match(h?.markdown ?? '', /cents/);
});
