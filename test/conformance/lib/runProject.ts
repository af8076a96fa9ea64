// Builds one conformance project step by step with dbt and with Medallion side by side (both tools
// run at once, each on its own copy) and compares what they left after every step.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareStep, type StepComparison } from './compare.js';
import type { Spec } from './spec.js';
import { statuses } from './statuses.js';
import { applyStep, build, layOut, type ToolRun } from './tools.js';
import { Warehouse } from './warehouse.js';

export interface ProjectResult {
  spec: Spec;
  steps: Array<StepComparison & { runs: { dbt: ToolRun; medallion: ToolRun }; ms: { dbt: number; medallion: number } }>;
}

export async function runProject(spec: Spec, dbt: string): Promise<ProjectResult> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `medallion-conformance-${spec.name}-`));
  try {
    const ws = { dbt: layOut(spec, tmp, 'dbt'), medallion: layOut(spec, tmp, 'medallion') };
    const steps: ProjectResult['steps'] = [];
    for (const [i, step] of spec.steps.entries()) {
      await applyStep(spec, step, ws.dbt);
      await applyStep(spec, step, ws.medallion);
      const timed = async (run: Promise<ToolRun>): Promise<[ToolRun, number]> => {
        const started = performance.now();
        return [await run, performance.now() - started];
      };
      const [[dbtRun, dbtMs], [ourRun, ourMs]] = await Promise.all([timed(build(spec, step, ws.dbt, dbt)), timed(build(spec, step, ws.medallion, dbt))]);
      const warehouses = { dbt: await Warehouse.open(ws.dbt.database, ws.dbt.project), medallion: await Warehouse.open(ws.medallion.database, ws.medallion.project) };
      try {
        const runs = { dbt: dbtRun, medallion: ourRun };
        const comparison = await compareStep(spec, i + 1, runs, warehouses, { dbt: statuses(dbtRun.runResults), medallion: statuses(ourRun.runResults) });
        steps.push({ ...comparison, runs, ms: { dbt: dbtMs, medallion: ourMs } });
      } finally {
        warehouses.dbt.close();
        warehouses.medallion.close();
      }
    }
    return { spec, steps };
  } finally {
    if (process.env.CONFORMANCE_KEEP) console.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}
