// target/catalog.json after a build: dbt's format, every built relation with its columns and types;
// the language server reads it, so a source known only from the warehouse types its models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { boundDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { Workspace } from '../../../server/src/analysis/workspace.js';
import { tempProject } from './project.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/payments.csv
id,order_id,amount,paid_at
1,1,1000,2024-01-02
2,1,250,2024-01-03
//- /models/stg_payments.sql
{{ config(materialized='table') }}
select id, order_id, amount / 100.0 as dollars, paid_at from {{ ref('payments') }}
//- /models/totals.sql
{{ config(materialized='ephemeral') }}
select order_id, sum(dollars) as total from {{ ref('stg_payments') }} group by 1
`;

test('a build writes target/catalog.json in dbt’s format, and the server types from it', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'build', warehouse: path.join(p.root, 'dev.duckdb') });
  assert.ok(run.success, JSON.stringify(run.errors));
  const catalog = JSON.parse(readFileSync(path.join(p.root, 'target/catalog.json'), 'utf8'));
  assert.equal(catalog.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/catalog/v1.json');
  // Ephemeral models are not relations.
  assert.deepEqual(Object.keys(catalog.nodes).sort(), ['model.shop.stg_payments', 'seed.shop.payments']);
  const seed = catalog.nodes['seed.shop.payments'];
  assert.deepEqual(seed.metadata.type, 'BASE TABLE');
  assert.deepEqual(Object.values<any>(seed.columns).map((c) => [c.index, c.name, c.type]), [[1, 'id', 'INTEGER'], [2, 'order_id', 'INTEGER'], [3, 'amount', 'INTEGER'], [4, 'paid_at', 'DATE']]);
  assert.equal(catalog.nodes['model.shop.stg_payments'].columns.dollars.type, 'DOUBLE');

  // A source declared without columns is typed by the catalog once the warehouse has it.
  p.write('models/sources.yml', 'version: 2\nsources:\n  - name: main\n    tables:\n      - name: payments\n');
  p.write('models/from_source.sql', "select amount || 'x' as label, amout from {{ source('main', 'payments') }}");
  const ws = await Workspace.open(new NodeFileSystem(), p.root.split(path.sep).join('/'));
  assert.deepEqual(ws.snapshot().columns('source.main.payments').map((c) => `${c.name} ${c.type}`), ['id INTEGER', 'order_id INTEGER', 'amount INTEGER', 'paid_at DATE']);
  await ws.binder.bindFiles(['models/from_source.sql']);
  assert.deepEqual(boundDiagnostics(ws.snapshot(), 'models/from_source.sql').map((d) => d.message), ['column amout not found — did you mean amount']);
});
