// Where run results are kept: target/run_results.json holds the last run that started (a run refused
// before it starts leaves it alone) and target/runs/<run id>/run_results.json the last KEPT_RUNS runs.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileInside } from '../lake/within.js';
import type { RunResults } from './types.js';

export const KEPT_RUNS = 20;

export async function saveRunResults(root: string, run: RunResults): Promise<void> {
  const runs = path.join(root, 'target', 'runs');
  const text = JSON.stringify(run, null, 2) + '\n';
  await writeFileInside(root, path.join(runs, run.runId, 'run_results.json'), text);
  await writeFileInside(root, path.join(root, 'target', 'run_results.json'), text);
  // Run ids start with their UTC time, so the names sort oldest first.
  const old = (await fsp.readdir(runs)).sort().slice(0, -KEPT_RUNS);
  for (const name of old) await fsp.rm(path.join(runs, name), { recursive: true, force: true });
}
