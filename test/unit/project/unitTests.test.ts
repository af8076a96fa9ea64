// dbt unit tests in schema YAML (issue 11 item 2): parsed with positions, linked to their model as
// unit_test nodes, and bad input — no model, an unknown model, an input that is not upstream — a
// positioned error; selection by test_type:unit / test_type:data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { selectNodes } from '../../../runtime/graph/select.js';
import { describeAll, load } from './check.js';

const BASE = `
//- /dbt_project.yml
name: shop
//- /seeds/raw_orders.csv
order_id,amount
1,2.5
//- /models/stg_orders.sql
select order_id, amount from {{ ref('raw_orders') }}
//- /models/customers.sql
select 1 as customer_id
//- /models/stg_orders.yml
version: 2
models:
  - name: stg_orders
    data_tests: [{ not_null: { column_name: order_id } }]
`;

test('a unit test becomes a node attached to its model, with its inputs, rows, overrides and config', async () => {
  const { f, project } = await load(`${BASE}
//- /models/unit.yml
version: 2
unit_tests:
  - name: keeps_amounts
    model: stg_orders
    config: { tags: [fast] }
    overrides: { vars: { rate: 2 }, env_vars: { REGION: eu } }
    given:
      - input: ref('raw_orders')
        rows: [{ order_id: 1, amount: 2.5 }]
    expect:
      format: csv
      rows: |
        order_id,amount
        1,2.5
  - name: off
    model: stg_orders
    config: { enabled: false }
    given: []
    expect: { rows: [] }
`);
  assert.deepEqual(describeAll(f, project.diagnostics), []);
  const node = project.tests.get('unit_test.stg_orders.keeps_amounts');
  assert.ok(node?.unit);
  assert.equal(node.attachedTo, 'model.stg_orders');
  assert.deepEqual(node.tags, ['fast']);
  assert.deepEqual(node.unit.given[0].rows, [{ order_id: 1, amount: 2.5 }]);
  assert.deepEqual(node.unit.expect.rows, [{ order_id: '1', amount: '2.5' }]);
  assert.deepEqual(node.unit.overrides, { macros: {}, vars: { rate: 2 }, envVars: { REGION: 'eu' } });
  assert.equal(project.tests.has('unit_test.stg_orders.off'), false, 'a disabled unit test is not a node');
  // Where the CSV header's names are, for the editor's diagnostics.
  const ranges = node.unit.expect.keyRanges![0];
  assert.equal(f.files['models/unit.yml'].slice(ranges.amount.start, ranges.amount.end), 'amount');

  const graph = buildGraph(project);
  assert.deepEqual([...graph.parents.get(node.id)!], ['model.stg_orders']);
  assert.deepEqual(selectNodes(graph, { select: ['test_type:unit'] }).value, [node.id]);
  assert.deepEqual(selectNodes(graph, { select: ['resource_type:unit_test'] }).value, [node.id]);
  const data = selectNodes(graph, { select: ['test_type:data'] }).value;
  assert.equal(data.length, 1);
  assert.ok(data[0].startsWith('test.not_null_stg_orders'));
  assert.deepEqual(selectNodes(graph, { select: ['stg_orders'], indirectTests: 'eager' }).value.filter((id) => id.startsWith('unit_test.')), [node.id]);
});

test('a unit test naming no model, an unknown model or an input that is not upstream is a positioned error', async () => {
  const { f, project } = await load(`${BASE}
//- /models/unit.yml
version: 2
unit_tests:
  - name: no_model
    given: []
    expect: { rows: [] }
  - name: unknown_model
    model: stg_ordrs
    given: []
    expect: { rows: [] }
  - name: wrong_input
    model: stg_orders
    given:
      - input: ref('raw_orders')
        rows: []
      - input: ref('customers')
        rows: []
      - input: ref('nowhere')
        rows: []
    expect: { rows: [] }
  - name: missing_input
    model: stg_orders
    given: []
    expect:
      format: yaml
      rows: []
`);
  assert.deepEqual(describeAll(f, project.diagnostics), [
    `models/unit.yml: "name": Unit test 'no_model' names no 'model' to test`,
    `models/unit.yml: "yaml": Unknown unit test format 'yaml': expected dict, csv or sql`,
    `models/unit.yml: "stg_ordrs": Unit test 'unknown_model': no model named 'stg_ordrs'; did you mean 'stg_orders'?`,
    `models/unit.yml: "ref('customers')": Unit test 'wrong_input': ref('customers') is not an upstream of 'stg_orders' (it reads seed.raw_orders)`,
    `models/unit.yml: "ref('nowhere')": Unit test 'wrong_input': the input ref('nowhere') is not a model, seed or source of the project`,
    `models/unit.yml: "missing_input": Unit test 'missing_input': 'stg_orders' reads ref('raw_orders'), which no given input provides`,
  ]);
  assert.deepEqual([...project.tests.keys()].filter((k) => k.startsWith('unit_test.')).sort(), ['unit_test.stg_orders.missing_input', 'unit_test.stg_orders.wrong_input']);
});

test('an incremental model needs a boolean is_incremental override, and a this input when it is true', async () => {
  const { f, project } = await load(`${BASE}
//- /models/loaded.sql
select * from {{ ref('stg_orders') }}
{% if is_incremental() %} where order_id > (select max(order_id) from {{ this }}) {% endif %}
//- /models/unit.yml
version: 2
unit_tests:
  - name: no_override
    model: loaded
    given: [{ input: ref('stg_orders'), rows: [] }]
    expect: { rows: [] }
  - name: no_this
    model: loaded
    overrides: { macros: { is_incremental: true } }
    given: [{ input: ref('stg_orders'), rows: [] }]
    expect: { rows: [] }
  - name: fine
    model: loaded
    overrides: { macros: { is_incremental: true } }
    given: [{ input: ref('stg_orders'), rows: [] }, { input: this, rows: [] }]
    expect: { rows: [] }
`);
  assert.deepEqual(describeAll(f, project.diagnostics.filter((d) => d.code === 'unit-test-incremental')), [
    `models/unit.yml: "no_override": Unit test 'no_override': 'loaded' calls is_incremental(), so the test needs overrides: {macros: {is_incremental: true|false}}`,
    `models/unit.yml: "no_this": Unit test 'no_this': with is_incremental true, 'loaded' needs a 'this' input (its existing rows)`,
  ]);
});
