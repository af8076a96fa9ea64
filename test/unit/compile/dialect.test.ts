// The static Trino dialect check: DuckDB-only syntax in compiled SQL, found outside strings and
// comments, with no alarm for what Trino accepts; and validateForTrino's diagnostics at the model's source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNode } from '../../../runtime/compile/compile.js';
import { duckdbOnlySyntax, maskLiterals, offsetAt, validateForTrino } from '../../../runtime/compile/dialect.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { loadProject } from '../../../runtime/project/load.js';
import { fixture } from '../../support/fixture.js';

/** The flagged snippets of `sql` with the start of each message. */
function flagged(sql: string): Array<[string, string]> {
  return duckdbOnlySyntax(sql).map((p) => [sql.slice(p.start, p.end), p.message.slice(0, 40)]);
}

test('DuckDB-only syntax Trino refuses is found, each at its place', () => {
  const cases: Array<[string, string]> = [
    ['select x::double from t', '::'],
    ['select * from t qualify row_number() over (partition by k order by ts) = 1', 'qualify'],
    ["select * from t where ts >= timestamptz '2026-01-01 00:00:00+00'", 'timestamptz'],
    ['select cast(x as hugeint) from t', 'hugeint'],
    ["select strftime(ts, '%Y') from t", 'strftime('],
    ['select epoch_ms(ts) from t', 'epoch_ms('],
    ['select list_value(1, 2)', 'list_value('],
    ["select struct_pack(a := 1)", 'struct_pack('],
    ["select regexp_matches(s, 'a')", 'regexp_matches('],
    ["select timezone('UTC', ts) from t", 'timezone('],
    ['select arg_min(page, ts) from t', 'arg_min('],
    ["select string_agg(x, ',') from t", 'string_agg('],
    ["select * from read_parquet('x.parquet')", 'read_parquet('],
    ["select ts - interval '3 hours' from t", "interval '       '"],
    ['select ts - interval 3 hour from t', 'interval '],
    ['select ts + interval (n) day from t', 'interval '],
    ['select * exclude (a) from t', '* exclude ('],
    ['select distinct on (k) k, v from t', 'distinct on ('],
    ["select * from a asof join b on a.ts >= b.ts", 'asof join'],
    ["select * from t where name ilike 'a%'", 'ilike'],
    ["select j->>'a' from t", '->>'],
  ];
  for (const [sql, expected] of cases) {
    const found = flagged(sql);
    assert.equal(found.length, 1, `${sql}: ${JSON.stringify(found)}`);
    // The masked snippet: string contents are blanks, so compare by position in the masked text.
    assert.equal(maskLiterals(sql).slice(duckdbOnlySyntax(sql)[0].start, duckdbOnlySyntax(sql)[0].end), expected, sql);
    assert.match(found[0][1], /^Trino: /);
  }
});

test('what Trino accepts is not flagged: standard SQL, names that look like keywords, quotes and comments', () => {
  const clean = [
    "select cast(x as double), try_cast(y as integer) from t where ts >= timestamp '2026-01-01 00:00:00'",
    "select ts - interval '3' hour, ts + interval '1' day, interval '1-2' year to month from t",
    'select count(*) filter (where converted) as c, count(distinct user_id) from t',
    "select qualify, ilike from t where qualify = 1 order by ilike",
    'select t.qualify as q, x as timestamptz, y as list from t',
    "select '::' as s, 'qualify x' as q, \"strftime(\" from t -- x::int, string_agg(\n/* qualify list_value(1) */",
    'select timezone(ts), min_by(page, ts), listagg(p, \',\') within group (order by p) from t',
    'select a * b, date_diff(\'second\', a, b), array_join(array_agg(x), \',\') from t',
    'select s.list_value(1), lower(country) from t',
    "select * from t where s like 'a%' and s not like '%::%'",
  ];
  for (const sql of clean) assert.deepEqual(flagged(sql), [], sql);
});

test('offsetAt: a 1-based line and column, clamped to the line and the text', () => {
  const text = 'ab\ncde\nf';
  assert.equal(offsetAt(text, 1, 1), 0);
  assert.equal(offsetAt(text, 2, 3), 5);
  assert.equal(offsetAt(text, 2, 99), 6);
  assert.equal(offsetAt(text, 9, 1), text.length);
});

test('validateForTrino places each problem in the model file, also one a macro produced', async () => {
  const f = fixture(`
//- /pipeline.yml
name: shop
sources:
  app_logs: { format: json, path: 'bronze/*.json' }
//- /macros/day.sql
{% macro day_of(col) %}{{ col }}::date{% endmacro %}
//- /models/silver/events.sql
select event_id,
  {{ day_of('ts') }} as d
from {{ source('bronze', 'app_logs') }}
qualify row_number() over (partition by event_id order by ts) = 1
`);
  const project = await loadProject(f.fs, f.root);
  const graph = buildGraph(project);
  const compiled = compileNode(project, graph, 'model.events');
  const problems = await validateForTrino(compiled, { file: 'models/silver/events.sql' });
  const text = f.files['models/silver/events.sql'];
  assert.deepEqual(
    problems.map((d) => [d.file, text.slice(d.range.start, d.range.end), d.code]),
    [
      ['models/silver/events.sql', "{{ day_of('ts') }}", 'trino-dialect'],
      ['models/silver/events.sql', 'qualify', 'trino-dialect'],
    ],
  );
});
