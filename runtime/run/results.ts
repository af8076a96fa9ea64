// Where run results are kept: <target>/run_results.json holds the last run that started (a run refused
// before it starts leaves it alone) and <target>/runs/<run id>/run_results.json the last KEPT_RUNS runs.
// <target> is the project's target-path, `target/` by default.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileInside } from '../lake/within.js';
import type { Project } from '../project/types.js';
import type { RunResults } from './types.js';

export const KEPT_RUNS = 20;

/**
 * The target folder, and the folder every write into it must stay inside after symlinks: the project,
 * unless target-path is written as an absolute path (then the folder itself).
 */
export function targetFolder(project: Pick<Project, 'root' | 'config'>): { dir: string; within: string } {
  const dir = path.resolve(project.root, project.config.targetPath);
  return { dir, within: path.isAbsolute(project.config.targetPath) ? dir : project.root };
}

export async function saveRunResults(project: Pick<Project, 'root' | 'config'>, run: RunResults): Promise<void> {
  const { dir, within } = targetFolder(project);
  const runs = path.join(dir, 'runs');
  const text = JSON.stringify(run, null, 2) + '\n';
  await writeFileInside(within, path.join(runs, run.runId, 'run_results.json'), text);
  await writeFileInside(within, path.join(dir, 'run_results.json'), text);
  // Run ids start with their UTC time, so the names sort oldest first.
  const old = (await fsp.readdir(runs)).sort().slice(0, -KEPT_RUNS);
  for (const name of old) await fsp.rm(path.join(runs, name), { recursive: true, force: true });
}
