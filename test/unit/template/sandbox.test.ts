// The template sandbox: the known escapes from a template into JavaScript (constructor chains from
// any value, __proto__, prototype, globalThis, process, require, Function, import()) each fail safely,
// print nothing of the host, and run nothing (a sentinel file stays absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../../../runtime/project/projectConfig.js';
import { Relation } from '../../../runtime/template/relation.js';
import { Renderer } from '../../../runtime/template/render.js';

const sentinel = path.join(mkdtempSync(path.join(os.tmpdir(), 'medallion-sandbox-')), 'pwned');
const payload = `return process.mainModule.require('fs').writeFileSync('${sentinel}', 'x')`;
const renderer = new Renderer({ ...defaultConfig('pipeline.yml', 'pipeline'), vars: { v: { k: 1 } } }, [
  { file: 'macros/m.sql', text: '{% macro m() %}x{% endmacro %}' },
]);
const opts = {
  ref: (name: string) => new Relation('main', name, `"main"."${name}"`),
  source: () => undefined,
  self: new Relation('main', 'me', '"main"."me"'),
  model: { name: 'me', config: { materialized: 'table' } },
};

/** Every value a template can name, and every way to reach a property of it. */
const values = ["''", '[]', '{}', '1', '1.5', 'true', 'none', 'range', 'ref', 'this', 'model', 'target', 'var', 'adapter', 'adapter.dispatch', 'exceptions', 'dbt', 'm', 'namespace()', 'loop', 'caller', 'dict', 'lipsum', 'cycler', 'config', 'var("v")', "ref('x')", "'x'.upper", '[].append', 'pipeline'];
const escapes = [
  ...values.flatMap((v) => [
    `{{ (${v}).constructor.constructor("${payload}")() }}`,
    `{{ (${v})['constructor']['constructor']("${payload}")() }}`,
    `{{ (${v}).__proto__ }}`,
    `{{ (${v}).prototype }}`,
    `{{ (${v}) | attr('constructor') | attr('constructor') }}`,
    `{{ (${v}).__class__.__mro__ }}`,
  ]),
  `{{ globalThis }}{{ globalThis.process }}`,
  `{{ process.mainModule.require('fs').writeFileSync('${sentinel}', 'x') }}`,
  `{{ require('fs').writeFileSync('${sentinel}', 'x') }}`,
  `{{ Function("${payload}")() }}`,
  `{{ import('fs') }}`,
  `{% import 'fs' as fs %}`,
  `{{ cycler.__init__.__globals__.os.popen('touch ${sentinel}') }}`,
  `{{ [1] | map(attribute='constructor') | list }}`,
  `{{ ['constructor'] | map('attr') | list }}`,
  `{% set ns = namespace() %}{% set ns.__proto__ = {} %}{{ ns.__proto__ }}`,
  `{{ {'__proto__': 1} }}{{ {}['__proto__'] }}{{ {}.__defineGetter__ }}`,
  `{{ (1).toString.call.apply }}`,
  `{{ 'x'.toString() }}{{ 'x'.valueOf() }}{{ [].map }}{{ {}.hasOwnProperty('x') }}`,
  `{{ range.call }}{{ range.bind }}{{ range.apply }}{{ ref.name }}{{ ref.length }}`,
  `{{ this.toString }}{{ this.rendered }}{{ this.constructor }}`,
];

test(`${escapes.length} escape attempts: none reaches JavaScript, none runs`, () => {
  for (const template of escapes) {
    const out = renderer.render('models/evil.sql', template, opts);
    assert.doesNotMatch(out.sql, /function|native code|\[object|=>|class /, `${template} printed ${JSON.stringify(out.sql)}`);
    for (const d of out.diagnostics) assert.doesNotMatch(d.message, /native code|internal/, template);
  }
  assert.equal(existsSync(sentinel), false, 'a template ran code');
});

test('the escape attempts that call something fail with a positioned error', () => {
  const template = `select 1\n{{ range.constructor.constructor("${payload}")() }}`;
  const [d] = renderer.render('models/evil.sql', template, opts).diagnostics;
  assert.equal(d.file, 'models/evil.sql');
  assert.equal(template.slice(d.range.start, d.range.end).startsWith('{{ range.constructor'), true);
  assert.match(d.message, /undefined/);
});

test('a macro is a value, not a JavaScript function: calling its attributes fails', () => {
  const out = renderer.render('models/evil.sql', '{{ m.call }}{{ m.apply }}{{ m.name }}', opts);
  assert.equal(out.sql, '');
  const called = renderer.render('models/evil.sql', '{{ m.call(none, 1) }}', opts);
  assert.notDeepEqual(called.diagnostics, []);
});
