// scanTemplate: calls with exact ranges, macro definitions and block balance, without running Jinja.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTemplate } from '../../../runtime/template/scan.js';
import type { Range } from '../../../runtime/project/types.js';

const at = (text: string, r: Range): string => text.slice(r.start, r.end);

test('ref, ref with package, source, var and is_incremental with their ranges', () => {
  const t = `select * from {{ ref('orders') }} join {{ ref("pkg", 'users') }}
join {{ source('bronze', 'app_logs') }} where d > '{{ var('start', '2020-01-01') }}' and {{ var("end") }}
{% if is_incremental() %}and 1{% endif %}`;
  const s = scanTemplate(t);
  assert.deepEqual(s.refs.map((r) => [r.name, r.package, at(t, r.range), at(t, r.nameRange)]), [
    ['orders', undefined, "ref('orders')", 'orders'],
    ['users', 'pkg', `ref("pkg", 'users')`, 'users'],
  ]);
  assert.deepEqual(s.sources.map((x) => [x.source, x.table, at(t, x.range), at(t, x.sourceRange), at(t, x.tableRange)]), [
    ['bronze', 'app_logs', "source('bronze', 'app_logs')", 'bronze', 'app_logs'],
  ]);
  assert.deepEqual(s.vars.map((v) => [v.name, v.hasDefault, at(t, v.nameRange)]), [['start', true, 'start'], ['end', false, 'end']]);
  assert.deepEqual(s.isIncremental.map((r) => at(t, r)), ['is_incremental()']);
  assert.deepEqual(s.diagnostics, []);
});

test('config() keyword arguments: literal values and the range of every value', () => {
  const t = `{{ config(materialized='incremental', unique_key=['id', 'day'], tags=var('tags'), enabled=True, meta={'a': 1, 'b': -2.5}, n=none) }}`;
  const [c] = scanTemplate(t).configs;
  assert.deepEqual(c.args, { materialized: 'incremental', unique_key: ['id', 'day'], enabled: true, meta: { a: 1, b: -2.5 }, n: null });
  assert.deepEqual(Object.fromEntries(Object.entries(c.argRanges).map(([k, r]) => [k, at(t, r)])), {
    materialized: "'incremental'", unique_key: "['id', 'day']", tags: "var('tags')", enabled: 'True', meta: "{'a': 1, 'b': -2.5}", n: 'none',
  });
  assert.equal(at(t, c.range), t.slice(3, -3));
});

test('macro calls and definitions; builtins, methods, filters, tests and locals are not macro calls', () => {
  const t = `{% macro cents(col, scale=2) %}({{ col }} / 100){% endmacro %}
{% set f = adapter.quote %}{% from 'x' import helper %}
select {{ cents('a') }}, {{ my_macro(1, k=2) }}, {{ 'x' | replace('a', 'b') }}, {{ f('c') }}, {{ helper() }}
{% if x is divisibleby(3) %}{{ dbt_utils.star(ref('a')) }}{% endif %}
{% call my_block() %}body{% endcall %}`;
  const s = scanTemplate(t);
  assert.deepEqual(s.macroCalls.map((c) => [c.name, at(t, c.range)]), [['cents', "cents('a')"], ['my_macro', 'my_macro(1, k=2)'], ['my_block', 'my_block()']]);
  assert.deepEqual(s.macroDefs.map((m) => [m.name, m.params, at(t, m.nameRange), at(t, m.range)]), [
    ['cents', ['col', 'scale'], 'cents', '{% macro cents(col, scale=2) %}({{ col }} / 100){% endmacro %}'],
  ]);
  assert.deepEqual(s.refs.map((r) => r.name), ['a']);
  assert.deepEqual(s.diagnostics, []);
});

test('a generic test block {% test name(...) %} is the macro test_<name>, its range the whole block', () => {
  const t = `{% test at_least(model, column_name, min_value=0) %}
select * from {{ model }} where {{ column_name }} < {{ min_value }}
{% endtest %}`;
  const s = scanTemplate(t);
  assert.deepEqual(s.macroDefs.map((m) => [m.name, m.params, at(t, m.nameRange), at(t, m.range)]), [['test_at_least', ['model', 'column_name', 'min_value'], 'at_least', t]]);
  assert.deepEqual(s.macroCalls, []);
  assert.deepEqual(s.diagnostics, []);
});

test('strings holding delimiters, comments, raw blocks and whitespace control do not confuse the scan', () => {
  const t = `{#- {{ ref('commented') }} -#} select '{{ "}}" }}' as a, {{- ref('x') -}}
{% raw %}{{ ref('raw') }}{% if %}{% endraw %} {{ {'k': {'n': ref('y')}} }}`;
  const s = scanTemplate(t);
  assert.deepEqual(s.refs.map((r) => r.name), ['x', 'y']);
  assert.deepEqual(s.diagnostics, []);
});

test('block balance: unclosed, mismatched and stray tags are reported on the tag', () => {
  const cases: Array<[string, string[]]> = [
    ['{% if a %}x', ["{% if a %}|Unclosed '{% if a %}': expected '{% endif %}'"]],
    ['{% for a in b %}{% if a %}{% endfor %}', ["{% if a %}|Unclosed '{% if a %}': expected '{% endif %}' before '{% endfor %}'"]],
    ['x{% endif %}', ["{% endif %}|'{% endif %}' has no matching '{% if %}'"]],
    ['{% else %}', ["{% else %}|'{% else %}' outside of '{% if %}' or '{% for %}'"]],
    ['select {{ ref("a")', ["{{|Unclosed '{{': expected '}}'"]],
    ['{# note', ["{#|Unclosed '{#': expected '#}'"]],
    ['{% set x %}a{% endset %}{% set y = 1 %}{% macro m() %}{% endmacro %}{% for a in b %}{% else %}{% endfor %}', []],
  ];
  for (const [t, expected] of cases) {
    const got = scanTemplate(t).diagnostics.map((d) => `${at(t, d.range)}|${d.message}`);
    assert.deepEqual(got, expected, t);
    assert.ok(scanTemplate(t).diagnostics.every((d) => d.code === 'jinja-syntax' && d.file === ''));
  }
});

test('a ref being typed still gives the name range (the editor completes it)', () => {
  const t = "select * from {{ ref('stg_";
  const [r] = scanTemplate(t).refs;
  assert.equal(r.name, 'stg_');
  assert.deepEqual(r.nameRange, { start: t.indexOf('stg_'), end: t.length });
});

test('dynamic arguments are skipped, not guessed', () => {
  const s = scanTemplate("{{ ref(name) }} {{ source(s, 't') }} {{ var(v) }}");
  assert.deepEqual([s.refs.length, s.sources.length, s.vars.length], [0, 0, 0]);
});

test('package calls pkg.name(...) with ranges; builtins, locals and method calls are not package calls', () => {
  const t = `{% macro m(cols) %}{% do cols.append(1) %}{{ kwargs.get('x') }}{% endmacro %}
{% set rows = [] %}{% for c in rows %}{{ c.lower() }}{% endfor %}
select {{ dbt_utils.star(ref('a')) }}, {{ adapter.dispatch('x', 'p')() }}, {{ this.render() }}, {{ a.b.c() }},
{{ dbt.concat(['a']) }}, {{ rows.pop() }}`;
  const s = scanTemplate(t);
  assert.deepEqual(s.packageCalls.map((c) => [c.package, c.name, at(t, c.range), at(t, c.packageRange), at(t, c.nameRange)]), [
    ['dbt_utils', 'star', "dbt_utils.star(ref('a'))", 'dbt_utils', 'star'],
    ['dbt', 'concat', "dbt.concat(['a'])", 'dbt', 'concat'],
  ]);
  assert.deepEqual(s.refs.map((r) => r.name), ['a']);
});
