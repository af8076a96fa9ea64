// Each static diagnostic is one the run would also give (issue 12, item 3): for every kind in
// cases.ts, the broken project shows it where expected and `medallion build` fails with the same
// cause; the corrected project builds and shows no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../../support/fixture.js';
import { analyze, build, describe as show, type Files } from './oracle.js';
import { BASE, CASES } from './cases.js';

const base = fixture(BASE).files;

for (const c of CASES) {
  test(`${c.code}: shown where the build fails (${c.file}: ${c.at})`, async () => {
    const files: Files = { ...base, ...c.shared, ...c.broken };
    const outcome = await build(files);
    assert.equal(outcome.ok, false, 'the broken project builds');
    assert.ok(outcome.errors.some((e) => c.build.test(e.message)), `the build fails for another reason: ${outcome.errors.map((e) => e.message).join('\n')}`);
    const errors = await analyze(files);
    const at = files[c.file].indexOf(c.at);
    assert.ok(at >= 0, `'${c.at}' is not in ${c.file}`);
    const hit = errors.find((d) => d.code === c.code && d.file === c.file && d.range.start <= at + c.at.length && at <= d.range.end);
    assert.ok(hit, `no ${c.code} on '${c.at}' in ${c.file}; shown:\n${show(files, errors)}`);
  });

  test(`${c.code}: the corrected project builds and shows nothing (${c.file})`, async () => {
    const files: Files = { ...base, ...c.shared, ...c.fixed };
    const outcome = await build(files);
    assert.deepEqual(outcome.errors, [], 'the corrected project does not build');
    assert.equal(outcome.ok, true);
    const errors = await analyze(files);
    assert.equal(show(files, errors), '');
  });
}
