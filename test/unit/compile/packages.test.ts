// Installed packages (dbt_packages/): their macros under the package's namespace, adapter.dispatch,
// the `dbt` namespace, their generic tests in schema YAML, and the errors for missing packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileProject } from '../../../runtime/compile/compile.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { describeAll, load } from '../project/check.js';
import { MINI_UTILS } from '../../support/miniUtils.js';


const SHOP = `
//- /dbt_project.yml
name: shop
//- /macros/prefix.sql
{%- macro prefix() -%}{{ return('root') }}{%- endmacro -%}
//- /models/orders.sql
select {{ mini_utils.surrogate(['a', 'b']) }} as id, {{ mini_utils.greet('x') }} as g, '{{ mini_utils.label() }}' as l, '{{ prefix() }}' as p
//- /models/schema.yml
version: 2
models:
  - name: orders
    columns:
      - name: amount
        data_tests:
          - mini_utils.accepted_range:
              min_value: 0
          - mini_utils.accepted_range:
              arguments: { min_value: 1, max_value: 10 }
${MINI_UTILS}`;

async function compiled(fixtureText: string) {
  const { f, project } = await load(fixtureText);
  const graph = buildGraph(project);
  const all = compileProject(project, graph);
  const sql = (id: string): string => all.get(id)!.sql.replace(/\s+/g, ' ').trim();
  const diagnostics = (id: string): string[] => describeAll(f, all.get(id)!.diagnostics);
  return { f, project, sql, diagnostics };
}

test('package macros load under their namespace, the project keeps its own', async () => {
  const { project } = await load(SHOP);
  assert.deepEqual(project.diagnostics, []);
  assert.deepEqual(project.config.packages, [{ name: 'mini_utils', dir: 'dbt_packages/mini_utils', macroPaths: ['macros'], modelPaths: ['models'] }]);
  assert.deepEqual([...project.macros.keys()], ['prefix']);
  assert.deepEqual([...project.packageMacros.get('mini_utils')!.values()].map((m) => [m.name, m.file, m.package]), [
    ['joined', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['greet', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['duckdb__greet', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['default__greet', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['label', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['_suffix', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['prefix', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['broken', 'dbt_packages/mini_utils/macros/helpers.sql', 'mini_utils'],
    ['surrogate', 'dbt_packages/mini_utils/macros/surrogate.sql', 'mini_utils'],
    ['default__surrogate', 'dbt_packages/mini_utils/macros/surrogate.sql', 'mini_utils'],
    ['test_accepted_range', 'dbt_packages/mini_utils/macros/tests.sql', 'mini_utils'],
  ]);
});

test('pkg.macro() renders through adapter.dispatch, dbt.* macros and the package-first rule', async () => {
  const { sql, diagnostics } = await compiled(SHOP);
  assert.deepEqual(diagnostics('model.orders'), []);
  assert.equal(
    sql('model.orders'),
    `select md5(cast(concat(try_cast(a as varchar), try_cast(b as varchar)) as varchar)) as id, 'duck x' as g, 'pkg_label' as l, 'root' as p`,
  );
});

test("a package's generic tests run from schema YAML, named as dbt names them", async () => {
  const { project, sql, diagnostics } = await compiled(SHOP);
  assert.deepEqual([...project.tests.keys()], ['mini_utils_accepted_range_orders_amount__0', 'mini_utils_accepted_range_orders_amount__10__1']);
  assert.deepEqual(diagnostics('test.mini_utils_accepted_range_orders_amount__0'), []);
  assert.equal(sql('test.mini_utils_accepted_range_orders_amount__0'), 'select * from "main"."orders" where 1 = 2 or amount < 0');
  assert.equal(sql('test.mini_utils_accepted_range_orders_amount__10__1'), 'select * from "main"."orders" where 1 = 2 or amount < 1 or amount > 10');
});

test('dispatch: search_order in dbt_project.yml lets the project override a package macro', async () => {
  const text = SHOP.replace('name: shop\n', 'name: shop\ndispatch:\n  - macro_namespace: mini_utils\n    search_order: [shop, mini_utils]\n').replace(
    '//- /macros/prefix.sql\n',
    "//- /macros/greet.sql\n{%- macro default__greet(name) -%}'shop {{ name }}'{%- endmacro -%}\n//- /macros/prefix.sql\n",
  );
  const { sql } = await compiled(text);
  assert.match(sql('model.orders'), /'shop x' as g/);
});

test('packages-install-path and macro-paths are honoured', async () => {
  const text = `
//- /dbt_project.yml
name: shop
packages-install-path: vendor
//- /vendor/tools/dbt_project.yml
name: tools
macro-paths: ['src']
//- /vendor/tools/src/m.sql
{% macro twice(x) %}{{ x }} * 2{% endmacro %}
//- /vendor/tools/macros/ignored.sql
{% macro ignored() %}{% endmacro %}
//- /models/m.sql
select {{ tools.twice(3) }} as six
`;
  const { sql, project } = await compiled(text);
  assert.deepEqual([...project.packageMacros.get('tools')!.keys()], ['twice']);
  assert.equal(sql('model.m'), 'select 3 * 2 as six');
});

test('a package that is not installed, a macro a package lacks, a dispatch without implementation', async () => {
  const text = `
//- /dbt_project.yml
name: shop
//- /models/a.sql
select {{ dbt_utils.generate_surrogate_key(['a']) }} as k
//- /models/b.sql
select {{ mini_utils.nope() }} as k
//- /models/c.sql
select {{ mini_utils.broken() }} as k
//- /models/schema.yml
version: 2
models:
  - name: a
    columns:
      - name: k
        data_tests:
          - dbt_utils.accepted_range: { min_value: 0 }
${MINI_UTILS}`;
  const { f, project, diagnostics } = await compiled(text);
  assert.deepEqual(describeAll(f, project.diagnostics), [
    "models/a.sql: \"dbt_utils\": Package 'dbt_utils' is not installed (no dbt_packages/*/dbt_project.yml named 'dbt_utils'): run `dbt deps` to install the project's packages",
    "models/b.sql: \"nope\": Package 'mini_utils' has no macro 'nope'",
  ]);
  assert.deepEqual(diagnostics('model.a'), ["models/a.sql: \"dbt_utils\": Package 'dbt_utils' is not installed: run `dbt deps` to install the project's packages"]);
  assert.deepEqual(diagnostics('model.b'), ["models/b.sql: \"nope\": Package 'mini_utils' has no macro 'nope'"]);
  assert.deepEqual(diagnostics('model.c'), [
    // At the call in the model, naming the macro's own line, and at that line in the package's file.
    "models/c.sql: \"mini_utils.broken()\": In dispatch: no macro named 'nothing_here' found within namespace 'mini_utils': searched for 'mini_utils.duckdb__nothing_here', 'mini_utils.default__nothing_here' (in macro 'broken' at dbt_packages/mini_utils/macros/helpers.sql:13:26)",
    "dbt_packages/mini_utils/macros/helpers.sql: \"adapter.dispatch('nothing_here', 'mini_utils')\": In dispatch: no macro named 'nothing_here' found within namespace 'mini_utils': searched for 'mini_utils.duckdb__nothing_here', 'mini_utils.default__nothing_here' (called from models/c.sql:1:11)",
  ]);
  assert.deepEqual(diagnostics('test.dbt_utils_accepted_range_a_k__0'), [
    "models/schema.yml: \"dbt_utils.accepted_range\": Unknown generic test 'dbt_utils.accepted_range': the package 'dbt_utils' is not installed (nothing in dbt_packages/ is named 'dbt_utils'): run `dbt deps` to install the project's packages",
  ]);
});

test('return() of a macro called by another macro of the same file ends only the callee, whose frame the caller gets back', async () => {
  const text = `
//- /dbt_project.yml
name: shop
//- /macros/m.sql
{% macro inner() %}{{ return('X') }}{% endmacro %}
{% macro outer(y) %}{% set before = 'B' %}{% set v = inner() %}[{{ v }}{{ y }}{{ before }}]{% for i in [1] %}{{ before }}{% endfor %}{% endmacro %}
//- /models/m.sql
select '{{ outer('Y') }}' as s
`;
  const { sql } = await compiled(text);
  assert.equal(sql('model.m'), "select '[XYB]B' as s");
});

test("a broken file of a package warns and fails only the models that call into it", async () => {
  const text = `
//- /dbt_project.yml
name: shop
//- /dbt_packages/odd/dbt_project.yml
name: odd
//- /dbt_packages/odd/macros/broken.sql
{% macro broken() %}{% if %}{% endmacro %}
//- /dbt_packages/odd/macros/fine.sql
{% macro fine() %}1{% endmacro %}
//- /models/a.sql
select {{ odd.fine() }} as one
//- /models/b.sql
select {{ odd.broken() }} as k
`;
  const { f, project, sql, diagnostics } = await compiled(text);
  assert.deepEqual(
    project.diagnostics.map((d) => [d.file, d.severity]),
    [['dbt_packages/odd/macros/broken.sql', 'warning']],
    describeAll(f, project.diagnostics).join('\n'),
  );
  assert.equal(sql('model.a'), 'select 1 as one');
  assert.deepEqual(diagnostics('model.b'), [
    `models/b.sql: "broken": Package 'odd' has no macro 'broken'`,
    `dbt_packages/odd/macros/broken.sql: "{% if %}": Jinja: unexpected 'end of statement block'`,
  ]);
});

test("var() inside a package's macro reads the rendered model's scope, as dbt does: the project's, not the package's", async () => {
  const text = `
//- /dbt_project.yml
name: shop
vars:
  greeting: global
  tools:
    greeting: for the package's own models
  shop:
    farewell: project-scoped
//- /dbt_packages/tools/dbt_project.yml
name: tools
//- /dbt_packages/tools/macros/m.sql
{% macro greeting() %}'{{ var('greeting') }}', '{{ var('farewell') }}'{% endmacro %}
//- /models/m.sql
select {{ tools.greeting() }} as a, '{{ var('greeting') }}' as b
`;
  const { sql } = await compiled(text);
  assert.equal(sql('model.m'), "select 'global', 'project-scoped' as a, 'global' as b");
});

test('adapter.dispatch without a namespace finds the project, then dbt\'s own macros', async () => {
  const text = `
//- /dbt_project.yml
name: shop
//- /macros/m.sql
{% macro default__shout(x) %}upper({{ x }}){% endmacro %}
//- /models/m.sql
select {{ adapter.dispatch('shout')('a') }} as s, {{ adapter.dispatch('concat')(['a', 'b']) }} as c
`;
  const { sql } = await compiled(text);
  assert.equal(sql('model.m'), 'select upper(a) as s, concat(a, b) as c');
});
