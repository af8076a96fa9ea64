// The static Trino dialect check: DuckDB-only syntax in compiled SQL, found outside strings and
// comments, with no alarm for what Trino accepts (test/support/dialectCases.ts; the Trino suite checks
// the same cases on a real cluster); and validateForTrino's diagnostics at the model's source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNode } from '../../../runtime/compile/compile.js';
import { duckdbOnlySyntax, maskLiterals, offsetAt, validateForTrino } from '../../../runtime/compile/dialect.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { loadProject } from '../../../runtime/project/load.js';
import { ACCEPTED, REFUSED } from '../../support/dialectCases.js';
import { fixture } from '../../support/fixture.js';

test('DuckDB-only syntax Trino refuses is found, each at its place', () => {
  for (const [sql, expected] of REFUSED) {
    const found = duckdbOnlySyntax(sql);
    assert.equal(found.length, 1, `${sql}: ${JSON.stringify(found)}`);
    // Compared in the masked text: a string's contents are blanks there.
    assert.equal(maskLiterals(sql).slice(found[0].start, found[0].end), expected, sql);
    assert.match(found[0].message, /^Trino: /);
  }
});

test('what Trino accepts is not flagged: standard SQL, names that look like keywords, quotes and comments', () => {
  for (const sql of ACCEPTED) assert.deepEqual(duckdbOnlySyntax(sql), [], sql);
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
