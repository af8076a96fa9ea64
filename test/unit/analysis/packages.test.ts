// The editor on a project with an installed package: completion after `pkg.` and `dbt.`, go to
// definition and references of `pkg.macro`, and a YAML package test leading to its {% test %} block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompletion, checkDefinition, checkHover, checkReferences, open } from '../../support/check.js';
import { MINI_UTILS } from '../../support/miniUtils.js';
import { SHOP, withFile } from './support.js';

const WITH_PACKAGE = SHOP + MINI_UTILS;

test("completion after `pkg.` offers the package's macros, after `dbt.` the cross-database ones", async () => {
  const at = (body: string): string => withFile(WITH_PACKAGE, 'models/gold/x.sql', body);
  await checkCompletion(at('select {{ mini_utils.$0 }}'), `
    joined  macro · macro(parts)
    greet  macro · macro(name)
    label  macro · macro()
    prefix  macro · macro()
    broken  macro · macro()
    surrogate  macro · macro(fields)
  `);
  await checkCompletion(at('select {{ dbt.$0 }}'), `
    concat  macro · dbt cross-database macro
    hash  macro · dbt cross-database macro
    safe_cast  macro · dbt cross-database macro
    cast_bool_to_text  macro · dbt cross-database macro
    any_value  macro · dbt cross-database macro
    bool_or  macro · dbt cross-database macro
    date_trunc  macro · dbt cross-database macro
    dateadd  macro · dbt cross-database macro
    datediff  macro · dbt cross-database macro
    current_timestamp  macro · dbt cross-database macro
    escape_single_quotes  macro · dbt cross-database macro
    string_literal  macro · dbt cross-database macro
    split_part  macro · dbt cross-database macro
    replace  macro · dbt cross-database macro
    length  macro · dbt cross-database macro
    position  macro · dbt cross-database macro
    right  macro · dbt cross-database macro
    except  macro · dbt cross-database macro
    intersect  macro · dbt cross-database macro
    type_string  macro · dbt cross-database macro
    type_int  macro · dbt cross-database macro
    type_bigint  macro · dbt cross-database macro
    type_float  macro · dbt cross-database macro
    type_numeric  macro · dbt cross-database macro
    type_boolean  macro · dbt cross-database macro
    type_timestamp  macro · dbt cross-database macro
    last_day  macro · dbt cross-database macro
    listagg  macro · dbt cross-database macro
    cast  macro · dbt cross-database macro
    date  macro · dbt cross-database macro
    equals  macro · dbt cross-database macro
    array_construct  macro · dbt cross-database macro
    array_append  macro · dbt cross-database macro
    array_concat  macro · dbt cross-database macro
  `);
  await checkCompletion(at('select {{ $0 }}'), `
    ref  function · a model or seed
    source  function · a bronze source table
    config  function · model configuration
    var  function · a project variable
    env_var  function · an environment variable
    is_incremental  function · true on an incremental run of an existing table
    this  keyword · the relation of the current model
    target  keyword · target name, type, schema, threads
    cents  macro · macro(x)
    mini_utils  variable · installed package
  `);
});

test('definition and references of pkg.macro; a package test in YAML leads to its block', async () => {
  const yaml = 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests:\n          - mini_utils.accepted_range: { min_value: 0 }\n';
  const at = (body: string, schema = yaml): string => withFile(withFile(WITH_PACKAGE, 'models/gold/x.sql', body), 'models/silver/schema.yml', schema);
  await checkDefinition(at("select {{ mini_utils.su$0rrogate(['a']) }}, {{ mini_utils.surrogate(['b']) }}"), `dbt_packages/mini_utils/macros/surrogate.sql: "surrogate"`);
  await checkDefinition(at("select {{ $0mini_utils.surrogate(['a']) }}, {{ mini_utils.surrogate(['b']) }}"), `dbt_packages/mini_utils/macros/surrogate.sql: "surrogate"`);
  await checkReferences(at("select {{ mini_utils.su$0rrogate(['a']) }}, {{ mini_utils.surrogate(['b']) }}"), `
    models/gold/x.sql: "surrogate"
    models/gold/x.sql: "surrogate"
  `);
  await checkDefinition(at("select {{ mini_utils.surrogate(['a']) }}", yaml.replace('accepted_range', '$0accepted_range')), `dbt_packages/mini_utils/macros/tests.sql: "accepted_range"`);
});

test("hover on pkg.macro shows its signature; schema YAML test names offer packages' tests", async () => {
  await checkHover(withFile(WITH_PACKAGE, 'models/gold/x.sql', "select {{ mini_utils.$0surrogate(['a']) }}"), `
    hover "mini_utils.surrogate(['a'])"
    \`\`\`jinja
    {% macro mini_utils.surrogate(fields) %}
    \`\`\`
    *dbt_packages/mini_utils/macros/surrogate.sql*
  `);
  const yaml = 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests:\n          - $0\n';
  await checkCompletion(withFile(WITH_PACKAGE, 'models/silver/schema.yml', yaml), `
    unique  test
    not_null  test
    accepted_values  test
    relationships  test
    mini_utils.accepted_range  test · test(model, column_name, min_value, max_value) · dbt_packages/mini_utils/macros/tests.sql
  `);
});

test('a package installed while the editor is open is found when its dbt_project.yml appears', async () => {
  const { ws, f } = await open(withFile(SHOP, 'models/gold/x.sql', "select {{ mini_utils.greet('x') }}"));
  const codes = (): string[] => ws.snapshot().project.diagnostics.filter((d) => d.file === 'models/gold/x.sql').map((d) => d.code ?? '');
  assert.deepEqual(codes(), ['package-not-installed']);
  f.fs.write('/project/dbt_packages/mini_utils/macros/helpers.sql', "{% macro greet(name) %}'hi'{% endmacro %}");
  await ws.reload('dbt_packages/mini_utils/macros/helpers.sql'); // seen before the package's dbt_project.yml
  f.fs.write('/project/dbt_packages/mini_utils/dbt_project.yml', 'name: mini_utils\n');
  await ws.reload('dbt_packages/mini_utils/dbt_project.yml');
  assert.deepEqual(codes(), []);
});
