// dbt's execute phase on a real DuckDB: templates that look at the warehouse while a run compiles
// them — run_query, {% call statement %} with load_result, adapter.get_columns_in_relation,
// load_relation, graph, modules.datetime — build the tables dbt builds; a failing query fails its
// model at the call; without a warehouse (the editor, `compile`) execute is false and nothing is asked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Io } from '../../../runtime/cli/context.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import type { Graph } from '../../../runtime/graph/dag.js';
import { tempProject, type TempProject } from './project.js';

const PIVOT = `{% set statuses = run_query("select distinct status from " ~ ref('orders') ~ " order by 1") %}
{%- set names = statuses.columns[0].values() if execute else [] -%}
select
  {%- for s in names %}
  sum(case when status = '{{ s }}' then 1 else 0 end) as {{ s }}_orders{{ ',' if not loop.last }}
  {%- endfor %}
from {{ ref('orders') }}
`;

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/orders.csv
id,status,amount
1,placed,10
2,shipped,20
3,shipped,5
4,returned,7
//- /macros/star.sql
{% macro star_except(relation, except=[]) -%}
  {%- for c in adapter.get_columns_in_relation(relation) if c.name not in except -%}
    {{ c.quoted }}{{ ', ' if not loop.last }}
  {%- endfor -%}
{%- endmacro %}
//- /models/status_pivot.sql
${PIVOT}//- /models/no_status.sql
select {{ star_except(ref('orders'), ['status']) }} from {{ ref('orders') }}
//- /models/max_id.sql
{% call statement('max_id', fetch_result=True) %}select max(id) from {{ ref('orders') }}{% endcall %}
{%- set result = load_result('max_id') -%}
select {{ result['data'][0][0] if execute else 0 }} as max_id, '{{ result['response']['code'] if execute else '' }}' as code
//- /models/found.sql
{% set rel = load_relation(ref('orders')) %}{% set missing = adapter.get_relation(database=none, schema='main', identifier='nope') %}
select '{{ 'exists' if rel is not none else 'missing' }}' as orders, '{{ 'exists' if missing is not none else 'missing' }}' as nope
//- /models/counted.sql
select {{ graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | list | length }} as models,
  '{{ modules.datetime.date(2026, 1, 31).strftime('%Y/%m/%d') }}' as day,
  '{{ (modules.datetime.date(2026, 1, 31) + modules.datetime.timedelta(days=1)).isoformat() }}' as next_day
//- /models/counted_rows.sql
{% set n = run_query('select count(*) from ' ~ ref('orders')).columns[0].values()[0] if execute else 0 %}
select {{ n + 1 }} as n_plus_one, '{{ 'many' if n > 3 else 'few' }}' as size
//- /models/broken_query.sql
{% set r = run_query('select * from no_such_table') %}
select 1 as x
`;

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe("dbt's execute phase", () => {
  let project: TempProject;
  before(() => {
    project = tempProject(PROJECT);
  });
  after(() => project.dispose());

  it('build compiles each model against the warehouse and gives the tables dbt gives', async () => {
    const io = capture(project.root);
    assert.equal(await runCommand('build', { project: project.root }, io), 1, 'one model fails on purpose');
    const out = io.stdout.join('\n') + io.stderr.join('\n');
    assert.match(out, /broken_query/);
    const db = await openWarehouse(path.join(project.root, 'warehouse.duckdb'), { readOnly: true });
    try {
      const one = async (sql: string): Promise<Record<string, unknown>> => (await db.query(sql)).rows[0];
      assert.deepEqual(await one('select * from status_pivot'), { placed_orders: '1', returned_orders: '1', shipped_orders: '2' });
      assert.deepEqual((await db.query('describe no_status')).rows.map((r) => r.column_name), ['id', 'amount']);
      assert.deepEqual(await one('select * from max_id'), { max_id: 4, code: 'OK' });
      assert.deepEqual(await one('select * from found'), { orders: 'exists', nope: 'missing' });
      assert.deepEqual(await one('select * from counted'), { models: 7, day: '2026/01/31', next_day: '2026-02-01' });
      // A BIGINT count reaches the template as a number, as in dbt's agate tables.
      assert.deepEqual(await one('select * from counted_rows'), { n_plus_one: 5, size: 'many' });
    } finally {
      db.close();
    }
  });

  it('a query that fails is an error at its call, naming the database error', async () => {
    const io = capture(project.root);
    await runCommand('run', { project: project.root, select: ['broken_query'] }, io);
    const line = [...io.stdout, ...io.stderr].find((l) => l.includes('models/broken_query.sql:1:'));
    assert.ok(line, [...io.stdout, ...io.stderr].join('\n'));
    assert.match(line, /Database error: .*no_such_table/);
  });

  it('without a warehouse execute is false: the templates render their parse-phase branch and query nothing', async () => {
    const { project: loaded, graph } = await project.load();
    const pivot = compileNode(loaded, graph as Graph, 'model.status_pivot');
    assert.deepEqual(pivot.diagnostics, []);
    assert.match(pivot.sql, /^select\nfrom "main"."orders"$/);
    assert.equal(compileNode(loaded, graph as Graph, 'model.no_status').sql, 'select  from "main"."orders"');
    assert.match(compileNode(loaded, graph as Graph, 'model.max_id').sql, /select 0 as max_id/);
  });
});
