// The editor on a project with an installed package: completion after `pkg.` and `dbt.`, go to
// definition and references of `pkg.macro`, and a YAML package test leading to its {% test %} block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete } from '../../../server/src/analysis/completion.js';
import { definition, references } from '../../../server/src/analysis/navigation.js';
import { hover } from '../../../server/src/analysis/hover.js';
import { rangeOf } from '../../support/fixture.js';
import { MINI_UTILS } from '../../support/miniUtils.js';
import { open, SHOP, withFile } from './support.js';

const WITH_PACKAGE = SHOP + MINI_UTILS;

test("completion after `pkg.` offers the package's macros, after `dbt.` the cross-database ones", async () => {
  const labels = async (body: string): Promise<string[]> => {
    const { ws, file, offset } = await open(withFile(WITH_PACKAGE, 'models/gold/x.sql', body));
    return complete(ws, file, offset).items.map((c) => c.label);
  };
  assert.deepEqual(await labels('select {{ mini_utils.$0 }}'), ['joined', 'greet', 'label', 'prefix', 'broken', 'surrogate']);
  assert.ok((await labels('select {{ dbt.$0 }}')).includes('safe_cast'));
  const top = await labels('select {{ $0 }}');
  assert.ok(top.includes('mini_utils') && top.includes('cents') && !top.includes('surrogate'), top.join(', '));
});

test('definition and references of pkg.macro; a package test in YAML leads to its block', async () => {
  const body = "select {{ mini_utils.surrogate(['a']) }}, {{ mini_utils.surrogate(['b']) }}";
  const yaml = 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests:\n          - mini_utils.accepted_range: { min_value: 0 }\n';
  const { ws, f } = await open(withFile(withFile(WITH_PACKAGE, 'models/gold/x.sql', body), 'models/silver/schema.yml', yaml));
  const macros = 'dbt_packages/mini_utils/macros/surrogate.sql';
  const at = body.indexOf('surrogate') + 2;
  assert.deepEqual(definition(ws, 'models/gold/x.sql', at), [{ file: macros, range: rangeOf(f, macros, 'surrogate') }]);
  assert.deepEqual(definition(ws, 'models/gold/x.sql', body.indexOf('mini_utils')), [{ file: macros, range: rangeOf(f, macros, 'surrogate') }]);
  const refs = references(ws, 'models/gold/x.sql', at, false).map((r) => f.files[r.file].slice(r.range.start, r.range.end));
  assert.deepEqual(refs, ['surrogate', 'surrogate']);
  const tests = 'dbt_packages/mini_utils/macros/tests.sql';
  assert.deepEqual(definition(ws, 'models/silver/schema.yml', yaml.indexOf('accepted_range')), [{ file: tests, range: rangeOf(f, tests, 'accepted_range') }]);
});

test("hover on pkg.macro shows its signature; schema YAML test names offer packages' tests", async () => {
  const body = "select {{ mini_utils.surrogate(['a']) }}";
  const { ws } = await open(withFile(WITH_PACKAGE, 'models/gold/x.sql', body));
  const shown = await hover(ws, 'models/gold/x.sql', body.indexOf('surrogate'));
  assert.match(shown?.markdown ?? '', /\{% macro mini_utils\.surrogate\(fields\) %\}[\s\S]*dbt_packages\/mini_utils\/macros\/surrogate\.sql/);
  const yaml = 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests:\n          - $0\n';
  const opened = await open(withFile(WITH_PACKAGE, 'models/silver/schema.yml', yaml));
  const labels = complete(opened.ws, opened.file, opened.offset).items.map((c) => c.label);
  assert.ok(labels.includes('mini_utils.accepted_range') && labels.includes('not_null'), labels.join(', '));
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
