// The project's own generic tests ({% test %} blocks in macros/ and tests/generic/) run by `medallion
// build` and `medallion test` on a project on disk: passing, failing with their rows, `where`, a default
// argument overridden from YAML, a model-level test, and an unknown test name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Io } from '../../../runtime/cli/context.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { runNodes } from '../../../runtime/cli/commands/test.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { runTest } from '../../../runtime/run/tests/run.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import type { Graph } from '../../../runtime/graph/dag.js';
import { tempProject, type TempProject } from '../run/project.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/payments.csv
id,order_id,amount,method
1,1,10,card
2,1,-3,card
3,2,0,coupon
4,3,25,card
//- /macros/generic.sql
{% test is_positive(model, column_name) %}
select {{ column_name }} as bad_value from {{ model }} where {{ column_name }} <= 0
{% endtest %}
//- /tests/generic/at_least.sql
{% test at_least(model, column_name, min_value=0) %}
select * from {{ model }} where {{ column_name }} < {{ min_value }}
{% endtest %}
//- /tests/generic/row_count.sql
{% test has_rows(model, at_least=1) %}
select count(*) as n from {{ model }} having count(*) < {{ at_least }}
{% endtest %}
//- /models/card_payments.sql
select * from {{ ref('payments') }} where method = 'card'
//- /models/schema.yml
version: 2
models:
  - name: card_payments
    data_tests:
      - has_rows
      - has_rows:
          arguments: { at_least: 10 }
          config: { severity: warn }
    columns:
      - name: amount
        data_tests:
          - is_positive
          - is_positive:
              config:
                where: "amount > -100 and id <> 2"
          - at_least
          - at_least:
              min_value: 20
`;

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('custom generic tests ({% test %} blocks)', () => {
  let project: TempProject;
  before(() => {
    project = tempProject(PROJECT);
  });
  after(() => project.dispose());

  it('build runs them after their model: passes, failures with their rows, warn severity', async () => {
    const io = capture(project.root);
    assert.equal(await runCommand('build', { project: project.root }, io), 1, io.stderr.join('\n'));
    const out = io.stdout.join('\n');
    // card payments: amounts 10, -3, 25.
    assert.match(out, /FAIL +test is_positive_card_payments_amount · Got 1 result, configured to fail if != 0/);
    assert.match(out, /FAIL is_positive_card_payments_amount: 1 failing row\n +bad_value\n +-+\n +-3\n/);
    assert.match(out, /OK +test is_positive_card_payments_amount_2 /);
    assert.match(out, /FAIL +test at_least_card_payments_amount · Got 1 result/);
    assert.match(out, /FAIL +test at_least_card_payments_amount__20 · Got 2 results/);
    assert.match(out, /FAIL at_least_card_payments_amount__20: 2 failing rows\n.*\n.*\n +1 +1 +10 +card\n +2 +1 +-3 +card\n/);
    assert.match(out, /OK +test has_rows_card_payments_ /);
    assert.match(out, /WARN +test has_rows_card_payments_10 · Got 1 result, configured to warn if != 0/);
    assert.match(out, /2 tests passed · 3 fail, 1 warn/);
    // Every test runs after the model it tests.
    const lines = io.stdout.filter((l) => / of 8 /.test(l));
    const model = lines.findIndex((l) => l.includes('model card_payments'));
    assert.ok(lines.every((l, i) => !l.includes(' test ') || i > model), lines.join('\n'));
  });

  it('runTest gives the failing rows of a custom test, from its compiled SQL', async () => {
    const { project: loaded, graph } = await project.load();
    const db = await openMemory();
    try {
      await db.exec(`create table payments as select * from (values (1, 1, 10, 'card'), (2, 1, -3, 'card'), (4, 3, 25, 'card')) t(id, order_id, amount, method)`);
      await db.exec(`create view card_payments as select * from payments`);
      const compile = (id: string) => compileNode(loaded, graph as Graph, id);
      const r = await runTest(db, loaded, graph, 'test.at_least_card_payments_amount__20', compile);
      assert.equal(r.status, 'fail', r.message);
      assert.equal(r.failures, 2);
      assert.deepEqual(r.sampleRows.map((row) => Number(row.amount)).sort((a, b) => a - b), [-3, 10]);
      assert.equal(r.sql, 'select * from "main"."card_payments" where amount < 20');
    } finally {
      db.close();
    }
  });

  it('test names an unknown generic test as an error of that test, with "did you mean"', async () => {
    project.write(
      'models/schema.yml',
      ['version: 2', 'models:', '  - name: card_payments', '    columns:', '      - name: amount', '        data_tests: [is_postive]'].join('\n'),
    );
    const io = capture(project.root);
    assert.equal(await runNodes('test', { project: project.root }, io), 1);
    const out = io.stdout.join('\n');
    assert.match(out, /ERROR test is_postive_card_payments_amount/);
    assert.match(out, /Unknown generic test 'is_postive'; did you mean 'is_positive'\?/);
  });
});
