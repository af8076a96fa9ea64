// Precision and recall in CI (issue 12, item 4): every project and mutant that `medallion build`
// accepts shows no error in the analysis layer; of the code breakages the build rejects, at least 90%
// are flagged at the right range before anything runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure, percent } from './measure.js';
import { projects } from './projects.js';

test('precision 100% on projects that build, recall ≥ 90% on mutants the build rejects', async () => {
  const m = await measure(projects());
  const falsePositives = m.precision.falsePositives.map((v) => `${v.project} ${v.kind} ${v.label}:\n${v.detail}`);
  assert.deepEqual(falsePositives, [], 'errors on projects that build');
  assert.ok(m.precision.total >= 4, `only ${m.precision.total} projects built`);
  const missed = m.recall.missed.map((v) => `${v.project} ${v.kind} ${v.label} (build: ${v.buildError?.split('\n')[0]})${v.detail ? `\n${v.detail}` : ''}`);
  assert.ok(m.recall.total >= 40, `only ${m.recall.total} mutants failed the build`);
  assert.ok(m.recall.caught / m.recall.total >= 0.9, `recall ${percent(m.recall.caught, m.recall.total)}; missed:\n${missed.join('\n')}`);
});
