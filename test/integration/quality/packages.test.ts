// A dbt project using an installed package (dbt_packages/mini_utils, as `dbt deps` leaves it) on disk
// and a real DuckDB: a model calling the package's dispatched macro builds, and the package's generic
// test runs from schema YAML, passing on one column and failing on another.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Io } from '../../../runtime/cli/context.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import type { Graph } from '../../../runtime/graph/dag.js';
import { tempProject, type TempProject } from '../run/project.js';
import { MINI_UTILS } from '../../support/miniUtils.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/payments.csv
id,order_id,amount
1,1,10
2,1,-3
3,2,0
//- /models/keyed_payments.sql
select {{ mini_utils.surrogate(['id', 'order_id']) }} as payment_key, * from {{ ref('payments') }}
//- /models/schema.yml
version: 2
models:
  - name: keyed_payments
    columns:
      - name: id
        data_tests:
          - mini_utils.accepted_range: { min_value: 1, max_value: 3 }
      - name: amount
        data_tests:
          - mini_utils.accepted_range: { min_value: 0 }
${MINI_UTILS}`;

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('installed packages (dbt_packages/)', () => {
  let project: TempProject;
  before(() => {
    project = tempProject(PROJECT);
  });
  after(() => project.dispose());

  it("build runs the model calling the package's macro and the package's generic tests", async () => {
    const io = capture(project.root);
    assert.equal(await runCommand('build', { project: project.root }, io), 1, io.stderr.join('\n'));
    const out = io.stdout.join('\n');
    assert.match(out, /OK +model keyed_payments/);
    assert.match(out, /OK +test mini_utils_accepted_range_keyed_payments_id__3__1 /);
    assert.match(out, /FAIL +test mini_utils_accepted_range_keyed_payments_amount__0 · Got 1 result, configured to fail if != 0/);
    assert.match(out, /1 tests? passed · 1 fail/);
  });

  it("the package's surrogate key is DuckDB's md5 of the concatenated columns", async () => {
    const { project: loaded, graph } = await project.load();
    const db = await openMemory();
    try {
      await db.exec(`create table payments as select * from (values (1, 1, 10), (2, 1, -3)) t(id, order_id, amount)`);
      const compiled = compileNode(loaded, graph as Graph, 'model.keyed_payments');
      assert.deepEqual(compiled.diagnostics, []);
      const sql = compiled.sql.replace('"main"."payments"', 'payments');
      const rows = (await db.query(`select payment_key = md5(cast(id as varchar) || cast(order_id as varchar)) as same, payment_key from (${sql}) order by id`)).rows;
      assert.deepEqual(rows.map((r) => r.same), [true, true]);
      assert.match(String(rows[0].payment_key), /^[0-9a-f]{32}$/);
    } finally {
      db.close();
    }
  });
});
