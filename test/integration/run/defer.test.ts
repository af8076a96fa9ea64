// `--defer --state`: a production build writes manifest.json; a dev run of one model reads its
// unbuilt upstream from the production relations the manifest names, and fails without --defer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { UserError, type Io } from '../../../runtime/cli/context.js';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { tempProject } from './project.js';

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const PROJECT = `
//- /dbt_project.yml
name: shop
profile: shop
target-path: out
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: shop.duckdb, schema: dev }
    prod: { type: duckdb, path: shop.duckdb, schema: prod }
//- /seeds/raw_orders.csv
id,amount
1,10
2,32
//- /models/stg_orders.sql
select id, amount * 2 as amount from {{ ref('raw_orders') }}
//- /models/order_totals.sql
{{ config(materialized='table') }}
select sum(amount) as total, '{{ target.name }}' as built_by from {{ ref('stg_orders') }}
`;

test('--defer --state: unselected upstream refs missing here resolve to the state manifest', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  const prod = capture(p.root);
  assert.equal(await runCommand('build', { target: 'prod' }, prod), 0, prod.stderr.join('\n'));
  // The manifest lands in target-path, in dbt's schema v12, with relation names.
  const manifest = JSON.parse(readFileSync(path.join(p.root, 'out/manifest.json'), 'utf8'));
  assert.equal(manifest.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/manifest/v12.json');
  assert.equal(manifest.nodes['model.shop.stg_orders'].relation_name, '"shop"."prod"."stg_orders"');
  assert.deepEqual(manifest.parent_map['model.shop.order_totals'], ['model.shop.stg_orders']);
  cpSync(path.join(p.root, 'out'), path.join(p.root, 'prod-state'), { recursive: true });

  // Without --defer, dev has no stg_orders to read.
  const plain = capture(p.root);
  assert.equal(await runCommand('run', { select: ['order_totals'] }, plain), 1);

  const dev = capture(p.root);
  assert.equal(await runCommand('run', { select: ['order_totals'], defer: true, state: 'prod-state' }, dev), 0, [...dev.stdout, ...dev.stderr].join('\n'));
  assert.match(dev.stdout.join('\n'), /Deferred to --state prod-state: stg_orders/);
  const db = await openWarehouse(path.join(p.root, 'shop.duckdb'), { readOnly: true });
  try {
    const rows = (await db.query('select total::INT as total, built_by from dev.order_totals')).rows;
    assert.deepEqual(rows, [{ total: 84, built_by: 'dev' }]);
  } finally {
    db.close();
  }

  // Once dev has its own stg_orders, that one wins: nothing is deferred.
  assert.equal(await runCommand('build', { select: ['+stg_orders'] }, capture(p.root)), 0);
  const again = capture(p.root);
  assert.equal(await runCommand('run', { select: ['order_totals'], defer: true, state: 'prod-state' }, again), 0);
  assert.doesNotMatch(again.stdout.join('\n'), /Deferred/);

  await assert.rejects(runCommand('run', { defer: true }, capture(p.root)), (err: Error) => err instanceof UserError && /--defer needs --state DIR/.test(err.message));
  await assert.rejects(runCommand('run', { defer: true, state: 'nowhere' }, capture(p.root)), /--state .*nowhere has no manifest\.json/);
});
