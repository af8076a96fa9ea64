// Rendering with the sandboxed Jinja2 interpreter and dbt's context, errors as diagnostics, and the compiled → template offset map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../runtime/project/projectConfig.js';
import { mapRange } from '../../../runtime/template/offsetMap.js';
import type { RenderOptions } from '../../../runtime/template/context.js';
import { Relation } from '../../../runtime/template/relation.js';
import { Renderer } from '../../../runtime/template/render.js';

const config = { ...defaultConfig('pipeline.yml', 'pipeline'), name: 'shop', vars: { start: '2026-01-01', n: 3 } };
const macros = [
  { file: 'macros/money.sql', text: "{% macro cents(col, scale=2) %}round({{ col }} / 100, {{ scale }}){% endmacro %}\n{% macro cols() %}{{ return(['a', 'b']) }}{% endmacro %}" },
  { file: 'macros/uses.sql', text: '{% macro dollars(col) %}{{ cents(col) }}{% endmacro %}' },
];
const renderer = new Renderer(config, macros);
const opts: RenderOptions = {
  ref: (name, pkg) => (name === 'missing' ? undefined : new Relation('main', name, `"main"."${pkg ? pkg + '_' : ''}${name}"`)),
  source: (s, t) => `"${s}"."${t}"`,
  self: new Relation('main', 'me', '"main"."me"'),
  isIncremental: false,
};

function render(text: string, o: Partial<RenderOptions> = {}) {
  return renderer.render('models/m.sql', text, { ...opts, ...o });
}

test('ref, ref with package, source, this, var with default and target', () => {
  const r = render("select * from {{ ref('a') }}, {{ ref('pkg', 'b') }}, {{ source('bronze', 'logs') }}, {{ this }} where d > '{{ var('start') }}' and n < {{ var('other', 7) }} -- {{ target.name }} {{ this.name }}");
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.sql, `select * from "main"."a", "main"."pkg_b", "bronze"."logs", "main"."me" where d > '2026-01-01' and n < 7 -- dev me`);
});

test('set, for with loop.first/last/index, if, and is_incremental()', () => {
  const t = `{% set cols = ['a', 'b', 'c'] %}select {% for c in cols %}{{ loop.index }}:{{ c }}{% if loop.first %}(first){% endif %}{% if not loop.last %}, {% endif %}{% endfor %}
{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% else %}-- full{% endif %}`;
  assert.equal(render(t).sql, 'select 1:a(first), 2:b, 3:c\n-- full');
  assert.equal(render(t, { isIncremental: true }).sql, 'select 1:a(first), 2:b, 3:c\nwhere ts > (select max(ts) from "main"."me")');
});

test('macros from macro files are available everywhere, call each other and can return values', () => {
  const r = render("select {{ cents('x') }}, {{ cents('y', scale=4) }}, {{ dollars('z') }}{% for c in cols() %}, {{ c }}{% endfor %}");
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.sql, 'select round(x / 100, 2), round(y / 100, 4), round(z / 100, 2), a, b');
});

test('config() keyword arguments are collected and print nothing', () => {
  const r = render("{{ config(materialized='table', tags=['a', 'b'], unique_key='id') }}select 1");
  assert.equal(r.sql, 'select 1');
  assert.deepEqual(r.configs, [{ materialized: 'table', tags: ['a', 'b'], unique_key: 'id' }]);
});

test('env_var with and without a default; log prints nothing', () => {
  process.env.MEDALLION_TEST_ENV = 'here';
  assert.equal(render("{{ env_var('MEDALLION_TEST_ENV') }} {{ env_var('MEDALLION_NOPE_ENV', 'dflt') }}{{ log('hi', info=True) }}").sql, 'here dflt');
  const r = render("select {{ env_var('MEDALLION_NOPE_ENV') }}");
  assert.deepEqual(r.diagnostics.map((d) => [d.message, d.code]), [["Env var required but not provided: 'MEDALLION_NOPE_ENV'", 'render-error']]);
});

test('a missing var without default is an error on its tag', () => {
  const t = "select 1\nwhere x = {{ var('nope') }}";
  const r = render(t);
  assert.equal(r.sql, '');
  assert.deepEqual(r.diagnostics.map((d) => [d.file, t.slice(d.range.start, d.range.end), d.message]), [["models/m.sql", "{{ var('nope') }}", "Required var 'nope' not found in vars and has no default"]]);
});

test('a Jinja syntax error is a diagnostic on the offending tag', () => {
  const t = 'select 1,\n  {{ a + }} as b';
  const [d] = render(t).diagnostics;
  assert.deepEqual([d.file, t.slice(d.range.start, d.range.end), d.message, d.code], ['models/m.sql', '{{ a + }}', "Jinja: unexpected 'end of print statement'", 'jinja-syntax']);
  const t2 = 'select {% if x %} 1';
  const [d2] = render(t2).diagnostics;
  assert.equal(t2.slice(d2.range.start, d2.range.end), '{% if x %}');
  assert.equal(d2.code, 'jinja-syntax');
});

test('an undefined macro is a diagnostic on the call', () => {
  const t = "select {{ nope_macro('x') }}";
  const [d] = render(t).diagnostics;
  assert.deepEqual([t.slice(d.range.start, d.range.end), d.message, d.code], ["nope_macro('x')", "Undefined macro 'nope_macro'", 'undefined-macro']);
});

test('an unknown ref at render time is an error on its tag', () => {
  const t = "select * from {{ ref('missing') }}";
  const [d] = render(t).diagnostics;
  assert.deepEqual([t.slice(d.range.start, d.range.end), d.message], ["{{ ref('missing') }}", "ref('missing'): no model or seed named 'missing'"]);
});

test('whitespace control, comments and raw blocks render like Jinja', () => {
  assert.equal(render('select\n  {%- if true %}\n  1\n  {%- endif %} {# gone #}\n{% raw %}{{ kept }}{% endraw %}').sql, 'select\n  1 \n{{ kept }}');
});

test('templates of the same shape share compiled code but keep their own text', () => {
  const a = render("select id from {{ ref('x') }} -- {{ 'a' }}");
  const b = render("select name, id from {{ ref('y') }} -- {{ 'b' }}");
  assert.equal(a.sql, 'select id from "main"."x" -- a');
  assert.equal(b.sql, 'select name, id from "main"."y" -- b');
  assert.equal(render("{{ {'k': 'v'}['k'] }}").sql, 'v');
});

test('offset map: literal text maps exactly, printed values map to their tag', () => {
  const t = "select {% for c in ['a', 'b'] %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}\nfrom {{ ref('orders') }} where x = 1";
  const r = render(t);
  assert.equal(r.sql, 'select a, b\nfrom "main"."orders" where x = 1');
  const back = (needle: string): string => {
    const at = r.sql.indexOf(needle);
    const range = mapRange(r.map, { start: at, end: at + needle.length });
    return t.slice(range.start, range.end);
  };
  assert.equal(back('where x = 1'), 'where x = 1');
  assert.equal(back('from'), 'from');
  assert.equal(back('"main"."orders"'), "{{ ref('orders') }}");
  assert.equal(back('orders'), "{{ ref('orders') }}");
  assert.equal(back('b'), '{{ c }}');
  assert.deepEqual(r.map.toTemplate(r.sql.indexOf('x = 1')), { start: t.indexOf('x = 1'), end: t.indexOf('x = 1') + 1 });
  assert.doesNotThrow(() => r.map.toTemplate(10_000));
});

test("a relation is a mapping, as packages check it (dbt_utils' _is_relation idiom)", () => {
  const t = "{{ this is mapping and this.get('metadata', {}).get('type', '').endswith('Relation') }} {{ this.get('nope', 'dflt') }}";
  assert.equal(render(t).sql, 'True dflt');
});

test("dbt's own cross-database macros resolve unqualified too, as in dbt (last_day, listagg)", () => {
  const r = render("{{ last_day('d', 'quarter') }} | {{ dbt.listagg('x', \"', '\", 'order by x', 2) }}");
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.sql, "cast(date_trunc('quarter', d) + interval 3 month - interval 1 day as date) | array_to_string(list_slice(list(x order by x), 1, 2), ', ')");
});

test('a render can be given more names (on-run-end hooks get results and schemas)', () => {
  const r = render('{% for s in schemas %}{{ s }};{% endfor %}{{ results[0].status }}', { vars: { schemas: ['main', 'marts'], results: [{ status: 'success' }] } });
  assert.equal(r.sql, 'main;marts;success');
});

test("macro overrides (a unit test's overrides: macros:) answer before the project's macros and dbt's context", () => {
  const r = render("{{ cents('x') }} {{ is_incremental() }} {{ current_ts() }}", { macroOverrides: { cents: 'overridden', is_incremental: true, current_ts: "'2026-01-01'" } });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.sql, "overridden True '2026-01-01'");
});
