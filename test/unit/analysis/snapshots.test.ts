// Snapshots in the editor: nodes the way models are — ref() completion and lineage through them,
// diagnostics in snapshot files and YAML snapshots at their position, YAML completion, a Run lens that snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompletion, checkDiagnostics, open } from '../../support/check.js';
import { checkLenses } from '../../support/checkOutline.js';

const PROJECT = `
//- /dbt_project.yml
name: crm
//- /models/sources.yml
version: 2
sources:
  - name: app
    tables: [{ name: customers }]
//- /snapshots/customers_history.sql
{% snapshot customers_history %}
{{ config(strategy='timestamp', unique_key='id', updated_at='updated_at') }}
select * from {{ source('app', 'customers') }}
{% endsnapshot %}
//- /snapshots/plans.yml
version: 2
snapshots:
  - name: plan_history
    relation: ref('plnas')
    config: { strategy: check, unique_key: id, check_cols: all }
  - name: tier_history
    relation: source('app', 'customers')
    config: { strategy: check, check_cols: [tier] }
//- /models/current.sql
select * from {{ ref('customers_history') }} where dbt_valid_to is null
`;

test('a snapshot is a node: id snapshot.<name>, read by ref(), with the lineage of its query', async () => {
  const { ws } = await open(PROJECT);
  const graph = ws.snapshot().graph;
  assert.ok(graph.nodes.has('snapshot.customers_history'));
  assert.deepEqual([...graph.parents.get('snapshot.customers_history')!], ['source.app.customers']);
  assert.deepEqual([...graph.children.get('snapshot.customers_history')!], ['model.current']);
  assert.deepEqual([...graph.parents.get('snapshot.tier_history')!], ['source.app.customers']);
});

test('diagnostics: a YAML snapshot relation naming no model is an error on the name; a missing unique_key on the entry', async () => {
  await checkDiagnostics(PROJECT, `
    snapshots/plans.yml: "tier_history": A snapshot needs a 'unique_key' config: the column (or list of columns) identifying a record [error bad-snapshot-config]
    snapshots/plans.yml: "plnas": Unknown model 'plnas' in ref() [error unknown-ref]
  `);
});

test('completion of ref() names offers snapshots', async () => {
  await checkCompletion(PROJECT.replace("ref('customers_history') }} where", "ref('cust$0') }} where"), `customers_history  model · table`);
});

test('the Run lens of a snapshot file snapshots it; a model file runs', async () => {
  await checkLenses(PROJECT, 'snapshots/customers_history.sql', `
    run customers_history (snapshot) at 0-0
    preview customers_history (snapshot) at 0-0
    lineage customers_history (snapshot) at 0-0
  `);
  await checkLenses(PROJECT, 'models/current.sql', `
    run current (run) at 0-0
    preview current (run) at 0-0
    lineage current (run) at 0-0
  `);
});

test('YAML completion: snapshots entries, their config keys and values, and relation: refs and sources', async () => {
  const at = (yaml: string): string => `${PROJECT}//- /snapshots/new.yml\n${yaml}\n`;
  await checkCompletion(at('version: 2\nsnapshots:\n  - name: x\n    $0'), `
    description  property
    relation  property
    columns  property
    config  property
    data_tests  property
    tests  property
  `);
  await checkCompletion(at('version: 2\nsnapshots:\n  - name: x\n    relation: $0'), `
    ref('current')  model
    ref('customers_history')  model
    ref('plan_history')  model
    ref('tier_history')  model
    source('app', 'customers')  model
  `);
  await checkCompletion(at('version: 2\nsnapshots:\n  - name: x\n    config:\n      hard_deletes: $0'), `
    ignore  value
    invalidate  value
    new_record  value
  `);
});
