// Jinja2 parity: each case of parity/cases.json renders to what Jinja2 itself rendered for it
// (parity/expected.json, recorded by parity/refresh.py with the Jinja2 version named there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultConfig } from '../../../runtime/project/projectConfig.js';
import { Renderer } from '../../../runtime/template/render.js';

interface Case {
  name: string;
  template: string;
}

const here = path.join(__dirname, 'parity');
const cases = JSON.parse(readFileSync(path.join(here, 'cases.json'), 'utf8')) as Case[];
const recorded = JSON.parse(readFileSync(path.join(here, 'expected.json'), 'utf8')) as { jinja2: string; expected: Record<string, string | { error: string }> };
const renderer = new Renderer(defaultConfig('pipeline.yml', 'pipeline'), []);
const opts = { ref: () => undefined, source: () => undefined };

test('every case has a recorded Jinja2 result', () => {
  assert.deepEqual(cases.map((c) => c.name).filter((n) => !(n in recorded.expected)), []);
});

for (const c of cases) {
  test(`Jinja2 ${recorded.jinja2} parity: ${c.name}`, () => {
    const expected = recorded.expected[c.name];
    const out = renderer.render('parity.sql', c.template, opts);
    if (typeof expected === 'object') {
      assert.notDeepEqual(out.diagnostics, [], `Jinja2 raised ${expected.error}; Medallion rendered ${JSON.stringify(out.sql)}`);
      return;
    }
    assert.deepEqual(out.diagnostics.map((d) => d.message), []);
    assert.equal(out.sql, expected);
  });
}
