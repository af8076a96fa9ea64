// The editor's medallion.vars and medallion.target reach the workspace as the CLI's --vars and
// --target do: at open, and again when the settings change (the profile is read again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNode } from '../../../runtime/compile/compile.js';
import { Workspace } from '../../../server/src/analysis/workspace.js';
import { fixture } from '../../support/fixture.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
profile: shop
vars:
  region: eu
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: dev.duckdb, schema: main }
    prod: { type: duckdb, path: prod.duckdb, schema: analytics }
//- /models/orders.sql
select '{{ target.name }}' as t, '{{ var("region") }}' as r
`;

function sql(ws: Workspace): string {
  const { project, graph } = ws.snapshot();
  return compileNode(project, graph, 'model.orders').sql.trim();
}

test('settings vars and target: at open, on change, and back to the project\'s', async () => {
  const f = fixture(PROJECT);
  const ws = await Workspace.open(f.fs, f.root, { overrides: { vars: { region: 'us' } } });
  assert.equal(sql(ws), "select 'dev' as t, 'us' as r");
  await ws.setOverrides({ target: 'prod' });
  assert.equal(sql(ws), "select 'prod' as t, 'eu' as r");
  assert.equal(ws.snapshot().project.config.warehouse, 'prod.duckdb');
  assert.equal(ws.snapshot().project.models.get('orders')!.relation, '"analytics"."orders"');
  await ws.setOverrides({ target: 'nope' });
  assert.match(ws.snapshot().project.diagnostics.map((d) => d.message).join('\n'), /Unknown target 'nope': profile 'shop' .* has the targets dev, prod/);
  await ws.setOverrides({});
  assert.equal(sql(ws), "select 'dev' as t, 'eu' as r");
});
