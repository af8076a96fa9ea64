// adapter.dispatch by the target's engine: trino__ before default__ on a Trino target, duckdb__ before
// default__ on DuckDB; dbt's cross-database macros in Trino's SQL on a Trino target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../runtime/project/projectConfig.js';
import type { RenderOptions } from '../../../runtime/template/context.js';
import { Renderer } from '../../../runtime/template/render.js';

const macros = [
  {
    file: 'macros/epoch.sql',
    text: [
      "{% macro epoch(col) %}{{ return(adapter.dispatch('epoch')(col)) }}{% endmacro %}",
      '{% macro duckdb__epoch(col) %}epoch({{ col }}){% endmacro %}',
      '{% macro trino__epoch(col) %}to_unixtime({{ col }}){% endmacro %}',
      "{% macro only_default(x) %}{{ return(adapter.dispatch('only_default')(x)) }}{% endmacro %}",
      '{% macro default__only_default(x) %}d({{ x }}){% endmacro %}',
    ].join('\n'),
  },
];
const opts: RenderOptions = { ref: () => undefined, source: () => undefined };

function renderOn(engine: 'duckdb' | 'trino', text: string): string {
  const base = defaultConfig('pipeline.yml', 'pipeline');
  const renderer = new Renderer({ ...base, name: 'shop', target: { ...base.target, name: engine, type: engine } }, macros);
  const r = renderer.render('models/m.sql', text, opts);
  assert.deepEqual(r.diagnostics, []);
  return r.sql;
}

test("a project's dispatched macro: trino__ on a Trino target, duckdb__ on DuckDB, default__ when the engine has none", () => {
  assert.equal(renderOn('trino', "{{ epoch('ts') }} {{ only_default(1) }} {{ target.type }}"), 'to_unixtime(ts) d(1) trino');
  assert.equal(renderOn('duckdb', "{{ epoch('ts') }} {{ only_default(1) }} {{ target.type }}"), 'epoch(ts) d(1) duckdb');
});

test("dbt's cross-database macros give Trino's SQL on a Trino target, qualified, unqualified and dispatched alike", () => {
  const cases: Array<[string, string, string]> = [
    ["dbt.dateadd('hour', -3, 'ts')", "date_add('hour', -3, ts)", 'date_add(ts, interval (-3) hour)'],
    ["dateadd(datepart='day', interval=1, from_date_or_timestamp='d')", "date_add('day', 1, d)", 'date_add(d, interval (1) day)'],
    ["adapter.dispatch('dateadd', 'dbt')('month', 2, 'd')", "date_add('month', 2, d)", 'date_add(d, interval (2) month)'],
    ["dbt.datediff('a', 'b', 'second')", "date_diff('second', date_trunc('second', cast(a as timestamp)), date_trunc('second', cast(b as timestamp)))", "date_diff('second', a::timestamp, b::timestamp)"],
    ["dbt.datediff('a', 'b', 'week')", "date_diff('week', date_trunc('day', cast(a as timestamp)), date_trunc('day', cast(b as timestamp)))", "date_diff('week', a::timestamp, b::timestamp)"],
    ["dbt.hash('x')", 'lower(to_hex(md5(to_utf8(cast(x as varchar)))))', 'md5(cast(x as varchar))'],
    ["dbt.any_value('x')", 'arbitrary(x)', 'any_value(x)'],
    ['dbt.current_timestamp()', 'current_timestamp', 'now()'],
    ["dbt.split_part('s', \"','\", 2)", "split_part(s, ',', 2)", "split_part(s, ',', 2)"],
    ["dbt.split_part('s', \"','\", -1)", "element_at(split(s, ','), -1)", "split_part(s, ',', -1)"],
    ["dbt.right('s', 3)", 'substr(s, greatest(length(s) - (3) + 1, 1))', 'right(s, 3)'],
    ['dbt.type_float()', 'double', 'float'],
    ['dbt.type_string()', 'varchar', 'varchar'],
    ["dbt.last_day('d', 'quarter')", "cast(date_add('day', -1, date_add('quarter', 1, date_trunc('quarter', d))) as date)", "cast(date_trunc('quarter', d) + interval 3 month - interval 1 day as date)"],
    ["dbt.listagg('x', \"'-'\", 'order by y', 2)", "array_join(slice(array_agg(x order by y) filter (where x is not null), 1, 2), '-')", "array_to_string(list_slice(list(x order by y), 1, 2), '-')"],
    ["dbt.listagg('x')", "array_join(array_agg(x) filter (where x is not null), ',')", "string_agg(x, ',')"],
    ['dbt.date(2026, 1, 5)', "date '2026-01-05'", 'make_date(2026, 1, 5)'],
    ["dbt.date('y', 'm', 1)", "date(format('%04d-%02d-%02d', y, m, 1))", 'make_date(y, m, 1)'],
    ["dbt.array_append('a', 1)", 'concat(a, array[1])', 'list_append(a, 1)'],
    ["dbt.safe_cast('x', 'integer')", 'try_cast(x as integer)', 'try_cast(x as integer)'],
  ];
  for (const [call, trino, duckdb] of cases) {
    assert.equal(renderOn('trino', `{{ ${call} }}`), trino, call);
    assert.equal(renderOn('duckdb', `{{ ${call} }}`), duckdb, call);
  }
});

test('a dispatch that finds nothing names the prefixes of the target engine it searched', () => {
  const base = defaultConfig('pipeline.yml', 'pipeline');
  const renderer = new Renderer({ ...base, name: 'shop', target: { ...base.target, type: 'trino' } }, []);
  const r = renderer.render('models/m.sql', "{{ adapter.dispatch('nothing')() }}", opts);
  assert.match(r.diagnostics[0]?.message ?? '', /'shop\.trino__nothing', 'shop\.default__nothing'/);
});
