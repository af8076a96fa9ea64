// Snapshots in the editor: nodes the way models are — ref() completion and lineage through them,
// diagnostics in snapshot files and YAML snapshots at their position, YAML completion, a Run lens that snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete } from '../../../server/src/analysis/completion.js';
import { staticDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { codeLenses } from '../../../server/src/analysis/lenses.js';
import { completeYaml } from '../../../server/src/analysis/yamlCompletion.js';
import { open } from './support.js';

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
  const { ws } = await open(PROJECT);
  const yaml = staticDiagnostics(ws).get('snapshots/plans.yml') ?? [];
  const text = PROJECT.slice(PROJECT.indexOf('version: 2\nsnapshots'));
  const at = (d: { range: { start: number; end: number } }): string => text.slice(d.range.start, d.range.end);
  const unknown = yaml.find((d) => d.code === 'unknown-ref');
  assert.ok(unknown, JSON.stringify(yaml));
  assert.equal(at(unknown), 'plnas');
  const key = yaml.find((d) => d.code === 'bad-snapshot-config');
  assert.ok(key);
  assert.match(key.message, /unique_key/);
  assert.equal(at(key), 'tier_history');
  assert.deepEqual(staticDiagnostics(ws).get('snapshots/customers_history.sql') ?? [], []);
});

test('completion of ref() names offers snapshots', async () => {
  const { ws, file, offset } = await open(PROJECT.replace("ref('customers_history') }} where", "ref('cust$0') }} where"));
  assert.ok(complete(ws, file, offset).items.some((i) => i.label === 'customers_history'));
});

test('the Run lens of a snapshot file snapshots it; a model file runs', async () => {
  const { ws } = await open(PROJECT);
  assert.deepEqual(codeLenses(ws, 'snapshots/customers_history.sql').map((l) => `${l.action}:${l.model}:${l.command}`), ['run:customers_history:snapshot', 'preview:customers_history:snapshot', 'lineage:customers_history:snapshot']);
  assert.equal(codeLenses(ws, 'models/current.sql')[0].command, 'run');
});

test('YAML completion: snapshots entries, their config keys and values, and relation: refs and sources', async () => {
  const { ws } = await open(PROJECT);
  const at = (text: string): string[] => {
    const offset = text.indexOf('$0');
    return completeYaml(ws, 'snapshots/new.yml', text.replace('$0', ''), offset).map((c) => c.label);
  };
  assert.ok(at('version: 2\nsnapshots:\n  - name: x\n    $0').includes('relation'));
  assert.ok(at('version: 2\nsnapshots:\n  - name: x\n    relation: $0').includes("source('app', 'customers')"));
  assert.deepEqual(at('version: 2\nsnapshots:\n  - name: x\n    config:\n      hard_deletes: $0'), ['ignore', 'invalidate', 'new_record']);
});
