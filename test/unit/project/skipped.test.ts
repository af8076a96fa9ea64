// Nodes Medallion does not run yet (issue 10, item 3): a Python model, a custom materialization and a
// package's own model load, are ref()'d and listed, carry the reason they are skipped, and warn once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { MATERIALIZATIONS } from '../../../runtime/project/config.js';
import { scanPython } from '../../../runtime/project/python.js';
import { describeAll, load } from './check.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /dbt_packages/audit/dbt_project.yml
name: audit
//- /dbt_packages/audit/models/audit_log.sql
select 1 as id
//- /dbt_packages/audit/models/orders.sql
select 'the project has its own orders' as note
//- /macros/mats.sql
{% materialization cube, adapter='duckdb' %}{{ return({'relations': []}) }}{% endmaterialization %}
//- /models/orders.sql
select 1 as id
//- /models/scored.py
import pandas as pd

def model(dbt, session):
    # dbt.ref('commented_out') is not read
    dbt.config(materialized="table", tags=["ml"])
    return dbt.ref("orders").df().join(dbt.source("raw", "events").df())
//- /models/cubed.sql
{{ config(materialized='cube') }}
select * from {{ ref('scored') }}
//- /models/typo.sql
{{ config(materialized='tabel') }}
select * from {{ ref('audit_log') }}
//- /models/downstream.sql
select * from {{ ref('cubed') }}
//- /models/sources.yml
version: 2
sources:
  - name: raw
    tables: [{ name: events }]
`;

test('a Python model (not SQL), custom materializations and a package model load as skipped nodes, the last two named once in a warning', async () => {
  const { f, project } = await load(PROJECT);
  assert.deepEqual(describeAll(f, project.diagnostics.filter((d) => d.severity === 'error')), []);
  const skipped = Object.fromEntries([...project.models.values()].filter((m) => m.skip).map((m) => [m.name, m.skip]));
  assert.deepEqual(skipped, {
    audit_log: "Medallion does not build the models of installed packages (package 'audit')",
    scored: 'a Python model',
    cubed: "materialization 'cube' is not supported yet",
    typo: "materialization 'tabel' is not supported yet",
  });
  // The project's own orders wins over the package's.
  assert.equal(project.models.get('orders')!.file, 'models/orders.sql');
  assert.deepEqual(describeAll(f, project.diagnostics.filter((d) => d.code === 'skipped-node')).sort(), [
    `dbt_packages/audit/models/audit_log.sql: "": Model 'audit_log' will be skipped: Medallion does not build the models of installed packages (package 'audit')`,
    `models/cubed.sql: "": Model 'cubed' will be skipped: materialization 'cube' is not supported yet`,
    `models/typo.sql: "": Model 'typo' will be skipped: materialization 'tabel' is not supported yet`,
  ]);
  // A near-miss of a built-in name warns with "did you mean" on the value; one a macro defines does not.
  assert.deepEqual(describeAll(f, project.diagnostics.filter((d) => d.code === 'unknown-materialization')), [
    `models/typo.sql: "'tabel'": Unknown materialization 'tabel': neither built in (${MATERIALIZATIONS.join(', ')}) nor defined by a {% materialization %} block; did you mean 'table'?`,
  ]);
  const scored = project.models.get('scored')!;
  assert.equal(scored.language, 'python');
  assert.deepEqual(scored.config.tags, ['ml']);
  assert.equal(project.models.get('audit_log')!.package, 'audit');
  assert.equal(project.models.get('cubed')!.config.customMaterialization, 'cube');
  const graph = buildGraph(project);
  assert.deepEqual([...graph.parents.get('model.scored')!].sort(), ['model.orders', 'source.raw.events']);
  assert.deepEqual([...graph.parents.get('model.cubed')!], ['model.scored']);
  assert.deepEqual([...graph.parents.get('model.typo')!], ['model.audit_log']);
});

test('Python models are read statically: refs with a package, sources and literal configs with their ranges', () => {
  const text = `def model(dbt, session):\n    dbt.config(materialized='incremental', unique_key=["a", 'b'], enabled=True, n=3)\n    a = dbt.ref('pkg', "x")\n    b = dbt.ref(name)\n    c = dbt.source("s", 't')\n    return a\n`;
  const scan = scanPython(text);
  assert.deepEqual(scan.refs.map((r) => [r.package, r.name, text.slice(r.nameRange.start, r.nameRange.end)]), [['pkg', 'x', 'x']]);
  assert.deepEqual(scan.sources.map((s) => [s.source, s.table, text.slice(s.tableRange.start, s.tableRange.end)]), [['s', 't', 't']]);
  assert.deepEqual(scan.configs[0].args, { materialized: 'incremental', unique_key: ['a', 'b'], enabled: true, n: 3 });
  assert.equal(text.slice(scan.configs[0].argRanges.materialized.start, scan.configs[0].argRanges.materialized.end), "'incremental'");
  // Broken Python never throws: an unclosed call is simply not read.
  assert.deepEqual(scanPython('dbt.ref("x"\n').refs, []);
});

test('an unknown ref in a Python model is reported on its name, with did you mean', async () => {
  const { f, project } = await load(`
//- /dbt_project.yml
name: shop
//- /models/orders.sql
select 1 as id
//- /models/m.py
def model(dbt, session):
    return dbt.ref("ordrs")
`);
  assert.deepEqual(describeAll(f, project.diagnostics.filter((d) => d.code === 'unknown-ref')), [`models/m.py: "ordrs": Unknown model 'ordrs' in ref(); did you mean 'orders'?`]);
});
