// Warm start in memory: which cached bound results a new session restores (warmStart.ts), and the
// binder's key covering the contract in YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../../server/src/analysis/workspace.js';
import { WarmStart, type BindingStore, type CachedBindings } from '../../../server/src/analysis/warmStart.js';
import { fixture } from '../../support/fixture.js';
import { SHOP, withFile } from './support.js';

const REVENUE_SQL = 'models/gold/revenue.sql';

/** A store kept in memory across two workspaces. */
function memoryStore(): BindingStore & { saved?: CachedBindings } {
  return {
    loadBindings() {
      return this.saved && new Map(JSON.parse(JSON.stringify([...this.saved])));
    },
    saveBindings(bindings) {
      this.saved = bindings;
    },
  };
}

/** Binds every model of `project` and saves the results, then opens `next` and restores from them. */
async function restart(project: string, next: string, env: Record<string, string> = {}): Promise<{ ws: Workspace; restored: number; dropped: number; saved: number | undefined }> {
  const store = memoryStore();
  const f = fixture(project);
  const first = await Workspace.open(f.fs, f.root);
  await first.binder.bindAll(() => {});
  const saved = new WarmStart(first, store, process.env).save();
  await first.binder.close();
  Object.assign(process.env, env);
  const g = fixture(next);
  const ws = await Workspace.open(g.fs, g.root);
  const { restored, dropped } = new WarmStart(ws, store, process.env).restore();
  return { ws, restored, dropped, saved };
}

test('an unchanged project restores every bound model: columns and contract diagnostics before any binding', async () => {
  const broken = withFile(SHOP, REVENUE_SQL, "select e.user_id, sum(e.amount)::varchar as revenue from {{ ref('events') }} e group by 1");
  const { ws, restored, dropped, saved } = await restart(broken, broken);
  assert.deepEqual({ saved, restored, dropped }, { saved: 2, restored: 2, dropped: 0 });
  assert.deepEqual(ws.snapshot().columns('model.events').map((c) => `${c.name} ${c.type}`), ['event_id VARCHAR', 'user_id INTEGER', 'amount DOUBLE', 'ts TIMESTAMP WITH TIME ZONE']);
  assert.deepEqual(ws.binder.diagnostics(REVENUE_SQL).map((d) => d.code), ['contract-type-mismatch']);
});

test('a model changed since is dropped, and so is the model reading its columns', async () => {
  const changed = withFile(SHOP, 'models/silver/events.sql', "select event_id, user_id, amount * 2 as amount, ts from {{ source('bronze', 'app_logs') }}");
  const { ws, restored, dropped } = await restart(SHOP, changed);
  assert.deepEqual({ restored, dropped }, { restored: 0, dropped: 2 });
  assert.equal(ws.binder.result('model.events'), undefined);
  assert.equal(ws.binder.result('model.revenue'), undefined);
});

test('a contract edited in YAML drops the model it specifies, not its input', async () => {
  const retyped = withFile(SHOP, 'models/gold/schema.yml', SHOP.split('//- /models/gold/schema.yml\n')[1].split('//- ')[0].replace('data_type: double', 'data_type: varchar'));
  const { ws, restored, dropped } = await restart(SHOP, retyped);
  assert.deepEqual({ restored, dropped }, { restored: 1, dropped: 1 });
  assert.ok(ws.binder.result('model.events'));
  // Bound again, the contract break shows: the binder's key covers the spec, not only the SQL.
  await ws.binder.bindFiles([REVENUE_SQL]);
  assert.deepEqual(ws.binder.diagnostics(REVENUE_SQL).map((d) => d.code), ['contract-type-mismatch']);
});

test('a new catalog type of an input, or a new value of an env_var a template reads, drops what depends on it', async () => {
  const catalog = (type: string): string => `//- /target/catalog.json\n${JSON.stringify({ sources: { s: { metadata: { schema: 'bronze', name: 'app_logs' }, columns: { amount: { name: 'amount', type, index: 1 } } } } })}\n`;
  const sourceUntyped = SHOP.replace('amount: { type: double }', 'amount: {}');
  const retyped = await restart(sourceUntyped + catalog('DOUBLE'), sourceUntyped + catalog('BIGINT'));
  assert.deepEqual({ restored: retyped.restored, dropped: retyped.dropped }, { restored: 0, dropped: 2 });

  const withEnv = withFile(SHOP, 'models/gold/revenue.sql', "select e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e where '{{ env_var('WARM_START_REGION', 'eu') }}' <> '' group by 1");
  process.env.WARM_START_REGION = 'eu';
  const moved = await restart(withEnv, withEnv, { WARM_START_REGION: 'us' });
  delete process.env.WARM_START_REGION;
  assert.deepEqual({ restored: moved.restored, dropped: moved.dropped }, { restored: 1, dropped: 1 });
});
