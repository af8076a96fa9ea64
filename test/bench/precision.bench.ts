// Precision and recall of the editor's diagnostics against `medallion build` (issue 12, item 4), on
// the projects of test/integration/precision (originals, the sample, conformance projects)
// and their mutants; with the mutation kinds missed and the cost of a measure.
import { measure, percent } from '../integration/precision/measure.js';
import { projects } from '../integration/precision/projects.js';
import { printColumns, printTable } from './harness.js';

async function main(): Promise<void> {
  const started = performance.now();
  const m = await measure(projects());
  const seconds = (performance.now() - started) / 1000;
  printTable('Diagnostics against the build', [
    { name: 'precision: projects and mutants that build with 0 errors (%)', value: (100 * m.precision.clean) / Math.max(1, m.precision.total), unit: `% of ${m.precision.total}` },
    { name: 'recall: code mutants the build rejects, flagged at the right range (%)', value: (100 * m.recall.caught) / Math.max(1, m.recall.total), unit: `% of ${m.recall.total}` },
    { name: 'data mutants (seed values) the build rejects, flagged (%)', value: (100 * m.data.caught) / Math.max(1, m.data.total), unit: `% of ${m.data.total}` },
    { name: 'measure: builds and analyses', value: seconds, unit: 's' },
  ]);
  printColumns('Recall by mutation kind', ['kind', 'caught', 'rejected by the build', 'recall'], [...m.recall.byKind].map(([kind, k]) => [kind, String(k.caught), String(k.total), percent(k.caught, k.total)]));
  const missed = m.recall.missed.map((v) => `- ${v.project}, ${v.kind}: ${v.label}`);
  console.log(missed.length ? `Missed:\n${missed.join('\n')}\n` : 'Missed: none\n');
  if (m.unbuilt.length) console.log(`Not measured (do not build as written): ${m.unbuilt.join(', ')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
