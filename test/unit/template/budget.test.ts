// Render budgets: a runaway template (huge ranges, endless nesting, unbounded output, recursion)
// stops with a positioned error naming its template, instead of running for minutes or filling memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../runtime/project/projectConfig.js';
import { Renderer } from '../../../runtime/template/render.js';

const config = defaultConfig('pipeline.yml', 'pipeline');
const opts = { ref: () => undefined, source: () => undefined };

function failure(renderer: Renderer, template: string): { tag: string; message: string; code?: string } {
  const out = renderer.render('models/runaway.sql', template, opts);
  assert.equal(out.sql, '');
  assert.equal(out.diagnostics.length, 1, JSON.stringify(out.diagnostics));
  const [d] = out.diagnostics;
  assert.equal(d.file, 'models/runaway.sql');
  return { tag: template.slice(d.range.start, d.range.end), message: d.message, code: d.code };
}

test('a range over 100,000 items is refused, as in Jinja2s sandbox', () => {
  const r = failure(new Renderer(config, []), 'select 1\n{% for i in range(100000000) %}{% endfor %}');
  assert.equal(r.tag, '{% for i in range(100000000) %}');
  assert.match(r.message, /Range too big/);
});

test('the time budget stops nested loops', () => {
  const renderer = new Renderer(config, [], { limits: { timeoutMs: 200 } });
  const r = failure(renderer, '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}');
  assert.match(r.message, /exceeded its time budget \(200 ms\)/);
  assert.equal(r.code, 'render-budget');
});

test('the step budget stops a long evaluation', () => {
  const renderer = new Renderer(config, [], { limits: { fuel: 10_000 } });
  const r = failure(renderer, '{% set ns = namespace(n=0) %}{% for i in range(100000) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}');
  assert.match(r.message, /exceeded its evaluation budget \(10000 steps\)/);
});

test('the output limit stops a render printing too much, and a string built too large', () => {
  const renderer = new Renderer(config, [], { limits: { maxOutput: 1000 } });
  const printed = failure(renderer, "{% for i in range(100) %}{{ 'x' * 20 }}{% endfor %}");
  assert.match(printed.message, /output exceeds the limit of 1000 characters/);
  const built = failure(renderer, "{% set s = 'x' * 5000 %}");
  assert.equal(built.tag, "{% set s = 'x' * 5000 %}");
  assert.match(built.message, /exceeds the output limit \(1000\)/);
});

test('endless macro recursion stops at a depth limit, at the macro in its file', () => {
  const renderer = new Renderer(config, [{ file: 'macros/loop.sql', text: '{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}' }]);
  const out = renderer.render('models/runaway.sql', 'select {{ again(0) }}', opts);
  assert.deepEqual(out.diagnostics.map((d) => [d.file, d.message.replace(/ \(.*$/, '')]), [
    ['models/runaway.sql', 'maximum recursion depth exceeded'],
    ['macros/loop.sql', 'maximum recursion depth exceeded'],
  ]);
});

test('a render within its budgets is unaffected, and the budget is per render', () => {
  const renderer = new Renderer(config, [], { limits: { fuel: 2_000 } });
  for (let i = 0; i < 20; i++) assert.equal(renderer.render('models/ok.sql', '{% for i in range(100) %}{{ i }}{% endfor %}', opts).sql.length, 190);
});
