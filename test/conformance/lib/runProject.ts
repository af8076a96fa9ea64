// Builds one conformance project step by step with dbt and with Medallion side by side (both tools
// run at once, each on its own copy) and compares what they left after every step.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareStep, type StepComparison } from './compare.js';
import type { Spec } from './spec.js';
import { freshnessStatuses } from './sources.js';
import { statuses, type Statuses } from './statuses.js';
import { applyStep, layOut, runStep, type ToolRun } from './tools.js';
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
      const [[dbtRun, dbtMs], [ourRun, ourMs]] = await Promise.all([timed(runStep(spec, step, ws.dbt, dbt)), timed(runStep(spec, step, ws.medallion, dbt))]);
      const warehouses = { dbt: await Warehouse.open(ws.dbt.database, ws.dbt.project), medallion: await Warehouse.open(ws.medallion.database, ws.medallion.project) };
      try {
        const runs = { dbt: dbtRun, medallion: ourRun };
        const comparison = await compareStep(spec, i + 1, runs, warehouses, { dbt: statusesOf(dbtRun), medallion: statusesOf(ourRun) });
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

/** A build's node statuses, or after `source freshness` its sources' (run_results.json holds only sources then). */
function statusesOf(run: ToolRun): Statuses {
  return run.command === 'source freshness' ? freshnessStatuses(run.sources) : statuses(run.runResults);
}
