// dbt's test thresholds on a real DuckDB: fail_calc, warn_if, error_if and limit, from a YAML test's
// config, from a singular test's config() and from a generic test macro's own config() (as
// dbt_utils.equal_rowcount sums a diff column instead of counting rows).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { runTest, type TestResult } from '../../../runtime/run/tests/run.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import { runPipeline } from '../../../runtime/run/runner.js';
import type { Graph } from '../../../runtime/graph/dag.js';
import { tempProject, type TempProject } from '../run/project.js';
import * as path from 'node:path';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/payments.csv
id,amount
1,10
2,-3
3,-1
4,25
//- /macros/diff.sql
{% test no_difference(model, column_name) %}
{{ config(fail_calc='coalesce(sum(abs(diff)), 0)') }}
select {{ column_name }} - {{ column_name }} as diff from {{ model }}
{% endtest %}
//- /tests/negative_total.sql
{{ config(fail_calc='sum(-amount)', warn_if='>= 1', error_if='> 10') }}
select amount from {{ ref('payments') }} where amount < 0
//- /models/schema.yml
version: 2
seeds:
  - name: payments
    columns:
      - name: amount
        data_tests:
          - no_difference
          - accepted_values:
              values: [10, 25]
              quote: false
              config: { warn_if: '>= 1', error_if: '> 2' }
          - not_null:
              config: { error_if: '>= 0' }
              limit: 1
`;

describe("dbt's test thresholds", () => {
  let project: TempProject;
  const results = new Map<string, TestResult>();
  before(async () => {
    project = tempProject(PROJECT);
    await runPipeline(...(await (async () => {
      const { project: p, graph } = await project.load();
      return [p, graph, { command: 'seed' as const }] as const;
    })()));
    const { project: loaded, graph } = await project.load();
    const db = await openWarehouse(path.join(project.root, 'warehouse.duckdb'));
    try {
      for (const id of graph.nodes.keys()) {
        if (!id.startsWith('test.')) continue;
        const r = await runTest(db, loaded, graph, id, (n, o) => compileNode(loaded, graph as Graph, n, o));
        results.set(id.replace(/^test\./, '').replace(/_payments.*$/, ''), r);
      }
    } finally {
      db.close();
    }
  });
  after(() => project.dispose());

  it("a macro's fail_calc sums a column instead of counting rows: 4 rows, no difference, pass", () => {
    const r = results.get('no_difference')!;
    assert.deepEqual([r.status, r.failures], ['pass', 0]);
  });

  it("a YAML test's warn_if and error_if: 2 unexpected values warn (>= 1) but do not fail (> 2)", () => {
    const r = results.get('accepted_values')!;
    assert.deepEqual([r.status, r.failures, r.message], ['warn', 2, 'Got 2 results, configured to warn if >= 1']);
  });

  it("a singular test's config(): sum(-amount) = 4 warns (>= 1) without failing (> 10)", () => {
    const r = results.get('negative_total')!;
    assert.deepEqual([r.status, r.failures], ['warn', 4]);
  });

  it('error_if >= 0 fails even with no failing rows; limit bounds what is counted', () => {
    const r = results.get('not_null')!;
    assert.deepEqual([r.status, r.failures, r.message], ['fail', 0, 'Got 0 results, configured to fail if >= 0']);
  });
});
